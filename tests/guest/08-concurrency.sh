#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency, configure mode: the config, online, reader and unload
# actors of lib/concurrency.sh for half of ssm.duration.
. ./lib/common.sh
. ./lib/concurrency.sh

mark load
run_phase configure
check "kernel log clean (no WARNING, BUG, lockdep, hang)" clean_since load
