/*
 * What the review fuzz targets (Cochrane data packages, RevMan 5 files) check
 * once a review was read: every analysis turns into records and into an
 * analysis file without breaking the importer's promises, and the analysis
 * file it writes is made of lines that inih reads as meant.
 */
#ifndef META_FUZZ_REVIEW_H
#define META_FUZZ_REVIEW_H

#include "meta_review.h"

#include <stdint.h>

/* Runs the checks on rv (read with status ret and message msg, NAME as
 * named): a failure's message starts with NAME; a review read has analyses
 * whose records and analysis files keep their promises. Aborts with the
 * reason when one is broken. */
void fuzz_review_check(int ret, const struct meta_review *rv, const char *name, const char *msg);

#endif
