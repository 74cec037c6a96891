/* parla-user.c: being written */
#include "config.h"
