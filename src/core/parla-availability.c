/* parla-availability.c: being written */
#include "config.h"
