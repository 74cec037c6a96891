#pragma once
#include <glib-object.h>
#include "parla-types.h"
