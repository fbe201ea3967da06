// SPDX-License-Identifier: MIT
/*
 * Connection-oriented client, receiving: whichever waiting caller finds
 * no reader reads the next PDU for everybody (leader/follower) and
 * delivers it to the call it answers, by call_id.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "engine/co/co_client_int.h"
#include "engine/co/co_client_auth.h"

/* c->lock held: fail every pending call and forget the connection. */
void __rpc_co_cli_drop(struct co_client *c, int err)
{
	struct pending *p;

	if (c->fd >= 0) {
		shutdown(c->fd, SHUT_RDWR);
		if (!c->reader) {
			close(c->fd);
			c->fd = -1;
		}
	}
	c->broken = true;
	for (p = c->pending; p; p = p->next)
		if (!p->done) {
			p->done = true;
			p->status = err;
		}
	pthread_cond_broadcast(&c->cv);
}

/* ---- receiving --------------------------------------------------------- */

static struct pending *find_pending(struct co_client *c, uint32_t id)
{
	struct pending *p;

	for (p = c->pending; p; p = p->next)
		if ((p->call_id == id || (p->aliased && p->alias == id)) &&
		    !p->done)
			return p;
	return NULL;
}

/*
 * An answer whose call_id matches no call (c->lock held).  [C706] 12.6.3.1
 * has the server return each request's call_id, and [MS-RPCE] 3.3.2.5.2
 * has the client match answers to calls by it; neither says what to do
 * when nothing matches.  A late answer to a call we gave up on (orphans)
 * is dropped.  Otherwise, with one call in flight the answer can only be
 * its own: it is taken as that call's (and the peer's call_id remembered
 * for its later fragments), so that a client works with a server that
 * answers every call with call_id 1 (Wine's rpcrt4).  With several in
 * flight nobody can tell whose it is: a protocol error that fails them
 * all and closes the connection rather than leaving them to wait.
 */
static int stray_answer(struct co_client *c, uint32_t id,
			struct pending **pp)
{
	struct pending *p, *one = NULL;
	unsigned int i, n = 0;

	*pp = NULL;
	for (i = 0; i < c->norphans && i < CLI_ORPHANS; i++)
		if (c->orphans[i] == id)
			return 0;
	for (p = c->pending; p; p = p->next)
		if (!p->done && __atomic_load_n(&p->sent, __ATOMIC_ACQUIRE)) {
			one = p;
			n++;
		}
	if (n > 1)
		return -rpc_s_protocol_error;
	if (one) {
		one->alias = id;
		one->aliased = true;
	}
	*pp = one;
	return 0;
}

/* Deliver one complete PDU (c->lock held). Returns < 0 on a protocol
 * error that kills the connection. */
static int deliver(struct co_client *c, uint8_t *f, size_t len)
{
	struct rpc_pdu *pdu = malloc(sizeof(*pdu));
	struct pending *p;
	int ret;

	if (!pdu)
		return -ENOMEM;
	ret = __rpc_co_decode(f, len, pdu);
	if (ret < 0)
		goto out;
	/* trailers checked, signatures verified, bodies unsealed */
	ret = __rpc_co_cli_auth_check(c, f, len, pdu);
	if (ret < 0)
		goto out;
	switch (pdu->hdr.ptype) {
	case RPC_PT_SHUTDOWN:
		goto out;
	case RPC_PT_BIND_ACK:
	case RPC_PT_BIND_NAK:
	case RPC_PT_ALTER_CONTEXT_RESP:
	case RPC_PT_RESPONSE:
	case RPC_PT_FAULT:
		break;
	default:
		ret = -rpc_s_protocol_error;	/* not a server's PDU */
		goto out;
	}
	p = find_pending(c, pdu->hdr.call_id);
	if (!p) {
		ret = stray_answer(c, pdu->hdr.call_id, &p);
		if (ret < 0 || !p)
			goto out;
	}
	/* an answer of the wrong kind for this call id */
	if (p->is_bind != (pdu->hdr.ptype == RPC_PT_BIND_ACK ||
			   pdu->hdr.ptype == RPC_PT_BIND_NAK ||
			   pdu->hdr.ptype == RPC_PT_ALTER_CONTEXT_RESP)) {
		ret = -rpc_s_protocol_error;
		goto out;
	}
	switch (pdu->hdr.ptype) {
	case RPC_PT_BIND_ACK:
	case RPC_PT_BIND_NAK:
	case RPC_PT_ALTER_CONTEXT_RESP:
		p->frame = malloc(len);
		if (!p->frame) {
			p->status = -ENOMEM;
		} else {
			memcpy(p->frame, f, len);
			p->flen = len;
		}
		p->done = true;
		break;
	case RPC_PT_FAULT:
		p->fault = __rpc_fault_status(pdu->response.status);
		memcpy(p->drep, pdu->hdr.drep, 4);
		p->status = __rpc_fault_ret(p->fault);
		p->done = true;
		break;
	case RPC_PT_RESPONSE:
		if (!p->got_first) {
			if (!(pdu->hdr.pfc_flags & RPC_PFC_FIRST_FRAG)) {
				ret = -rpc_s_protocol_error;
				goto out;
			}
			p->got_first = true;
			memcpy(p->drep, pdu->hdr.drep, 4);
			p->stub.limit = CLI_MAX_OUT;
			if (pdu->response.alloc_hint)
				__ndr_buf_reserve(&p->stub,
						  pdu->response.alloc_hint <
						  (1u << 20) ?
						  pdu->response.alloc_hint :
						  (1u << 20));
		} else if (pdu->hdr.pfc_flags & RPC_PFC_FIRST_FRAG) {
			ret = -rpc_s_protocol_error;
			goto out;
		}
		ret = __ndr_buf_put(&p->stub, pdu->stub, pdu->stub_len);
		if (ret < 0) {
			p->status = ret;
			p->done = true;
			ret = 0;
		} else if (pdu->hdr.pfc_flags & RPC_PFC_LAST_FRAG) {
			p->done = true;
		}
		break;
	}
	pthread_cond_broadcast(&c->cv);
out:
	free(pdu);
	return ret;
}

/* Make one whole PDU available at c->rb as the reader, c->lock NOT
 * held.  Returns its length, 0 on time-out, < 0 on error.  Reads as much
 * as the socket has, so back-to-back PDUs cost one recv(). */
static int read_frame(struct co_client *c, int ms)
{
	int64_t deadline = ms < 0 ? -1 : __rpc_now_ms() + ms;

	if (!c->rb) {
		c->rb = malloc(CLI_RBUF);
		if (!c->rb)
			return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (c->rlen >= RPC_CO_HDR_LEN) {
			uint16_t fl;
			int ret = __rpc_co_peek(c->rb, c->rlen, &fl);

			/*
			 * No check against the max_recv_frag we offered:
			 * Samba 4.17 answers an offer below 2048 with 2048
			 * and sends fragments that large.  A frame is at
			 * most 64 KiB, and reassembly is bounded anyway.
			 */
			if (ret < 0)
				return ret;
			if (c->rlen >= fl)
				return fl;
		}
		if (deadline < 0) {
			/* no time-out: a blocking read, no poll() */
			r = recv(c->fd, c->rb + c->rlen, CLI_RBUF - c->rlen, 0);
		} else {
			struct pollfd pf = { .fd = c->fd, .events = POLLIN };
			int pr = poll(&pf, 1, __rpc_left_ms(deadline));

			if (pr < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			if (pr == 0)
				return 0;
			r = recv(c->fd, c->rb + c->rlen, CLI_RBUF - c->rlen,
				 MSG_DONTWAIT);
		}
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ECONNRESET;
		c->rlen += (size_t)r;
	}
}

/* Wait for p (c->lock held).  Returns 0 when done, -ETIMEDOUT. */
int __rpc_co_cli_wait(struct co_client *c, struct pending *p,
			int64_t deadline)
{
	while (!p->done) {
		if (!c->reader && c->fd >= 0 && !c->broken) {
			int r;

			c->reader = true;
			pthread_mutex_unlock(&c->lock);
			r = read_frame(c, __rpc_left_ms(deadline));
			pthread_mutex_lock(&c->lock);
			c->reader = false;
			pthread_cond_broadcast(&c->cv);
			if (r > 0) {
				/* still ours: no reader can start while we
				 * hold the lock */
				int d = deliver(c, c->rb, (size_t)r);

				c->rlen -= (size_t)r;
				memmove(c->rb, c->rb + r, c->rlen);
				if (d < 0)
					__rpc_co_cli_drop(c, d);
			} else if (r < 0) {
				__rpc_co_cli_drop(c, r == -ECONNRESET ?
						 -rpc_s_call_failed : r);
			}
			if (c->broken && c->fd >= 0) {
				close(c->fd);
				c->fd = -1;
			}
			if (r == 0 && !p->done && __rpc_left_ms(deadline) == 0)
				return -ETIMEDOUT;
			continue;
		}
		if (c->fd < 0 || c->broken) {
			if (!p->done) {
				p->done = true;
				p->status = -rpc_s_call_failed;
			}
			break;
		}
		if (deadline < 0) {
			pthread_cond_wait(&c->cv, &c->lock);
		} else {
			int l = __rpc_left_ms(deadline);

			if (!l)
				return -ETIMEDOUT;
			__rpc_cond_wait_ns(&c->cv, &c->lock, l * 1000000LL);
		}
	}
	return 0;
}

void __rpc_co_cli_add(struct co_client *c, struct pending *p)
{
	pthread_mutex_lock(&c->lock);
	p->next = c->pending;
	c->pending = p;
	pthread_mutex_unlock(&c->lock);
}

/* c->lock held */
void __rpc_co_cli_remove(struct co_client *c, struct pending *p)
{
	struct pending **pp;

	for (pp = &c->pending; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
}

/* c->lock held: p is given up on; an answer to it may still come. */
void __rpc_co_cli_orphan(struct co_client *c, struct pending *p)
{
	p->done = true;
	__rpc_co_cli_remove(c, p);
	c->orphans[c->norphans++ % CLI_ORPHANS] = p->call_id;
}
