#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency, lazy mode: the lockdep phase and the chaos phase of
# lib/concurrency.sh (two online actors, the reader and the unload actor).
. ./lib/common.sh
. ./lib/concurrency.sh

plan 17
mark load
run_mode lazy
check "kernel log clean (no WARNING, BUG, lockdep, hang)" clean_since load
