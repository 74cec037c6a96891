/* parla-db.c: being written */
#include "config.h"
