/* See check-main.h.  Exit status 0 when every test passed, 1 otherwise. */
#include <stdlib.h>

#include "check-main.h"

int main(void)
{
    SRunner *sr = srunner_create(check_spec.suite());
    int failed;

    if (check_spec.nofork) {
        srunner_set_fork_status(sr, CK_NOFORK);
    }
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
