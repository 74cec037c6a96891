/* parla-booking.c: being written */
#include "config.h"
