/* parla-db-sqlite.c: being written */
#include "config.h"
