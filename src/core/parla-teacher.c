/* parla-teacher.c: being written */
#include "config.h"
