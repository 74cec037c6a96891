/* parla-session.c: being written */
#include "config.h"
