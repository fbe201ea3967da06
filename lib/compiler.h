/* SPDX-License-Identifier: MIT */
#ifndef LRPC_COMPILER_H
#define LRPC_COMPILER_H

/*
 * The functions every call runs, client and server (stubs' runtime, NDR,
 * the ncalrpc engine): gcc puts them in .text.hot, which the linker
 * places together, so a call touches a few code pages instead of one
 * per source file.  That matters most where the TLB is cold on every
 * switch between client and server (one CPU, and qemu's TCG flushes it
 * whole at each address-space switch).
 */
#define __rpc_hot __attribute__((hot))

#endif
