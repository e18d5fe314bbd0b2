/* Prints bw_version(), the header's version macros and bw_version_number(), one per line. */
#include <stdio.h>

#include "bwvoice.h"

#define STR2(x) #x
#define STR(x) STR2(x)

int main(void) {
    printf("%s\n", bw_version());
    printf("%s\n", BW_VERSION_STRING);
    printf("%s.%s.%s\n", STR(BW_VERSION_MAJOR), STR(BW_VERSION_MINOR), STR(BW_VERSION_PATCH));
    unsigned n = bw_version_number();
    printf("%u.%u.%u\n", n >> 16, (n >> 8) & 0xff, n & 0xff);
    printf("%s\n", n == BW_VERSION_NUMBER ? "same" : "differs");
    return 0;
}
