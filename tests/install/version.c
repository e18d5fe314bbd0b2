/* Prints bw_version() and the header's version macros, one per line. */
#include <stdio.h>

#include "bwvoice.h"

#define STR2(x) #x
#define STR(x) STR2(x)

int main(void) {
    printf("%s\n", bw_version());
    printf("%s\n", BW_VERSION_STRING);
    printf("%s.%s.%s\n", STR(BW_VERSION_MAJOR), STR(BW_VERSION_MINOR), STR(BW_VERSION_PATCH));
    return 0;
}
