#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency, configure mode: the lockdep phase and the chaos phase of
# lib/concurrency.sh (configure, online, reader and unload actors).
. ./lib/common.sh
. ./lib/concurrency.sh

plan 19
mark load
run_mode configure
check "kernel log clean (no WARNING, BUG, lockdep, hang)" clean_since load
