/* fuzz_why.c — what `why` reads that others wrote: a (hostile) guest's answer
 * to the typed `ip` records (why_guest_parse) and the text of `nft -j list
 * ruleset` (why_nft_parse, through base/json.c), whose chains are then walked
 * for a forwarded and a masqueraded flow (jumps, gotos, loops of chains). The
 * first byte picks the reader; the rest is the text. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/why_guest.h"
#include "core/why_nft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (data[0] & 1) {
        static struct why_guest g;
        why_guest_parse(text, &g);
        if (g.nlinks > WHY_MAX_LINKS || g.naddrs > WHY_MAX_ADDRS || g.nroutes > WHY_MAX_ROUTES ||
            g.nneighs > WHY_MAX_NEIGHS)
            abort();
    } else {
        struct why_nft m;
        if (why_nft_parse(text, size - 1, &m, NULL) == 0) {
            struct why_flow f = {
                "tap0", "uplink0", {htonl(0xc0a80001)}, {htonl(0xc6336401)}, false};
            struct why_nft_result r;
            why_nft_forward(&m, &f, &r);
            f.reply = true;
            why_nft_forward(&m, &f, &r);
            why_nft_masq(&m, &f, &r);
            why_nft_free(&m);
        }
    }
    free(text);
    return 0;
}
