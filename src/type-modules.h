/*
 * Every module that registers QOM types, one line each:
 * QM_TYPE_MODULE(prefix) calls prefix_register_types() at start-up
 * (object_register_all_types).  Order does not matter.
 */
QM_TYPE_MODULE(qdev)
