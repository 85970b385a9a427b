#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency, lazy mode: two online actors, the reader and the
# unload actor of lib/concurrency.sh for half of ssm.duration.
. ./lib/common.sh
. ./lib/concurrency.sh

mark load
run_phase lazy
check "kernel log clean (no WARNING, BUG, lockdep, hang)" clean_since load
