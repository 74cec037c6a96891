/* parla-offering.c: being written */
#include "config.h"
