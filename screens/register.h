/*
 * register.h - what the registration screen takes from the entry point: the settings'
 * duplicate thresholds (screens/ reads no settings file; app/config.c does).
 */
#ifndef CD_SCREENS_REGISTER_H
#define CD_SCREENS_REGISTER_H

#include "model/store/dupes.h"

/* [duplicates] warn and block for this desk; the model's defaults until called. */
void register_set_thresholds(const struct cd_dupe_thresholds *th);

#endif
