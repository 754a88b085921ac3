/*
 * The command-line options and parameters QEMU 7.2's
 * query-command-line-options describes, as it lists them.
 */
#ifndef QMACHINED_OPTIONS_INFO_H
#define QMACHINED_OPTIONS_INFO_H

typedef enum CmdlineOptionType {
    OPT_DESC_STRING,
    OPT_DESC_BOOL,
    OPT_DESC_NUMBER,
    OPT_DESC_SIZE,
} CmdlineOptionType;

typedef struct CmdlineOptionParam {
    const char *name; /* NULL ends a list */
    CmdlineOptionType type;
    const char *help; /* NULL: none */
    const char *dflt; /* NULL: none */
} CmdlineOptionParam;

typedef struct CmdlineOptionInfo {
    const char *name; /* NULL ends the list */
    const CmdlineOptionParam *params;
} CmdlineOptionInfo;

/* In QEMU's order. */
extern const CmdlineOptionInfo cmdline_options[];

/* "string", "boolean", "number", "size" */
const char *cmdline_option_type_name(CmdlineOptionType t);

#endif
