/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lrpc: local RPC ports for same-host processes (/dev/lrpc).
 *
 * The ABI, one ioctl at a time.  Every ioctl takes one fixed-size struct;
 * reserved and pad fields must be zero on input (else -EINVAL) and are
 * zero on output; unknown flag bits are -EINVAL.  New behaviour is
 * advertised by feature bits (LRPC_F_*), never by a version number;
 * numbers and fields are only ever appended.  User pointers travel as
 * __u64.  Every ioctl can also fail with -EFAULT (bad pointer) and
 * -ENOTTY (ioctl not valid on this kind of fd).
 *
 * Objects.  Opening /dev/lrpc gives a *control fd*.  A server creates a
 * named *connection port* (an fd); clients connect to it by name.  An
 * accepted connection has two ends, each an fd: the client's
 * *communication fd* and the server's *connection fd*.  All new fds are
 * O_CLOEXEC anonymous-inode fds; a fork()ed child shares them like any fd.
 *
 * Messages.  A connection port has one receive queue.  Server threads
 * (any number) receive from it: REQUEST (a call awaiting a reply),
 * ONEWAY, CONNECT_REQUEST, PORT_CLOSED (the client end went away) and
 * CANCEL (a call the server holds was abandoned).  Each carries a message
 * id (unique in the port, never 0), the connection id, and the sender's
 * credentials stamped by the kernel at send time: tgid, pid (in the
 * receiver's pid namespace, 0 if not visible there), euid and egid (in
 * the receiver's user namespace, the overflow id if unmapped).  A client
 * receives ONEWAY messages the server sends on its connection fd.
 *
 * Time-outs.  Every blocking ioctl takes timeout_ns, relative: < 0 waits
 * for ever, 0 does not wait, > 0 waits that long (jiffy granularity).
 *
 * Signals (LRPC_F_CALL_RESTART).  Only a fatal signal, LRPC_IOC_CANCEL
 * or the time-out ends a CALL.  Any other signal (a handler, SIGSTOP and
 * SIGCONT, the freezer) parks the call in the kernel and the ioctl is
 * restarted after the handler, whatever SA_RESTART says; the restarted
 * ioctl finds the call by its msg_id (written to the caller's struct
 * before the wait) and by its thread, and waits on for the time that was
 * left.  The request is never sent twice and the server sees no CANCEL.
 * A call parked by a thread that never comes back (it left its handler
 * with longjmp, or exited) ends when the communication fd goes.  The
 * other waits (CONNECT, REPLY_RECV, RECV) end with -EINTR: for them
 * nothing is lost.
 *
 * Limits (module parameters, /sys/module/lrpc/parameters/; read the
 * current values with GET_FEATURES):
 *	max_msg_size	largest inline payload (default 64 KiB, at most
 *			1 MiB); larger is -EMSGSIZE.
 *	max_queue	one-way messages one connection has queued on its
 *			port, or that are queued on one client's
 *			communication fd (default 4096); more is -EAGAIN.
 *			Per connection (LRPC_F_CONN_QUOTA): one client
 *			cannot make a port refuse the others.
 *			Notifications (PORT_CLOSED, CANCEL) are never refused.
 *	max_pending	calls waiting for replies on one connection
 *			(default 1024); more is -EBUSY.
 *	max_backlog	upper bound of a port's backlog (default 128).
 *	max_user_bytes	octets of queued messages, ports and connections
 *			charged to one uid (default 64 MiB); more is
 *			-ENOBUFS.  A port is charged to its creator, a
 *			connection and every message on it to the client
 *			(the euid that connected), whichever way the
 *			message goes: what a client holds and does not
 *			read counts against the client, never against its
 *			server (LRPC_F_CONN_QUOTA).
 *
 * LRPC_IOC_GET_FEATURES (any lrpc fd)
 *	out: struct lrpc_features: features (LRPC_F_* the module supports),
 *	     the limits above as currently set.
 *	errors: -EFAULT bad pointer.
 *
 * LRPC_IOC_PORT_CREATE (control fd)
 *	in:  struct lrpc_port_create: name (1..LRPC_NAME_MAX-1 printable
 *	     ASCII characters 0x21..0x7e, NUL-terminated, zero-padded),
 *	     mode (LRPC_MODE_*: who may connect), backlog (pending connect
 *	     requests; 0 = max_backlog; clamped to max_backlog), flags 0.
 *	out: returns the port fd.  The port's owner is the caller's euid and
 *	     egid; its name lives in the caller's ipc namespace, in the
 *	     owner's scope (see Names), until the port fd is closed (last
 *	     reference).
 *	errors: -EINVAL bad name, mode, flags or reserved field;
 *		-EADDRINUSE a live port of the same owner has this name in
 *		this ipc namespace; -ENOBUFS user over max_user_bytes;
 *		-ENOMEM; -EMFILE/-ENFILE.
 *
 * LRPC_IOC_CONNECT (control fd)
 *	in:  struct lrpc_connect: name; data/len the connect payload
 *	     (len <= LRPC_CONNECT_DATA_MAX); reply/reply_size a buffer for
 *	     the server's accept or reject payload; timeout_ns; flags:
 *	     LRPC_CONNECT_F_SERVER_UID: the port of server_uid (in the
 *	     caller's user namespace) and no other; without it the
 *	     caller's own port of that name, else root's (see Names).
 *	out: returns the communication fd; conn_id, reply_len (the server's
 *	     payload, copied to reply, truncated to reply_size).
 *	errors: -ENOENT no such port in the caller's ipc namespace and
 *		the scopes searched; -EINVAL server_uid not mapped;
 *		-EACCES mode bits refuse the caller (compared like a file's:
 *		owner euid, else owner egid or supplementary groups, else
 *		other; no capability overrides them); -EAGAIN backlog full; -ECONNREFUSED the server
 *		rejected (reply_len and reply filled); -ECONNRESET the port
 *		closed before answering; -ETIMEDOUT; -EINTR; -EMSGSIZE len
 *		too large; -EINVAL; -ENOBUFS; -ENOMEM; -EMFILE.
 *
 * LRPC_IOC_ACCEPT (port fd)
 *	in:  struct lrpc_accept: msg_id of a CONNECT_REQUEST this port has
 *	     delivered; data/len a payload for the client (<=
 *	     LRPC_CONNECT_DATA_MAX); flags LRPC_ACCEPT_F_REJECT to refuse.
 *	out: accept returns the server's connection fd (closing it
 *	     disconnects the client); reject returns 0.
 *	errors: -ENOENT no such delivered request (the client gave up, or
 *		it was answered); -EMSGSIZE; -EINVAL; -ENOBUFS; -EMFILE.
 *
 * LRPC_IOC_REPLY_RECV (port fd)
 *	in:  struct lrpc_reply_recv: reply_id (0 = no reply) with
 *	     reply_data/reply_len: the reply to a REQUEST this port has
 *	     delivered; then data/size a receive buffer and timeout_ns.
	     flags: LRPC_REPLY_F_NORECV: reply and return 0 (reply_id must
	     not be 0).
 *	out: msg (struct lrpc_msg_info) describes the received message,
 *	     its payload copied to data.
 *	The reply phase comes first: when it fails nothing is received and
 *	the error is returned (-ENOENT: no such delivered request -- the
 *	caller gave up, the reply is dropped; -EMSGSIZE reply_len >
 *	max_msg_size; -ENOBUFS: the caller's uid is over max_user_bytes,
 *	or over its section limits for the reply's view, the call ends
 *	with -ENOBUFS too).  Any later error (the receive phase) means
 *	the reply was delivered.
 *	receive errors: -ETIMEDOUT (-EAGAIN when timeout_ns is 0) nothing
 *		queued; -EINTR; -EMSGSIZE the next message is larger than
 *		size (msg.len, msg.kind, msg.msg_id tell; it stays queued);
 *		-ESHUTDOWN nothing queued and the port is shut down.
 *
 * LRPC_IOC_PORT_SHUTDOWN (port fd; LRPC_F_SHUTDOWN)
 *	in:  struct lrpc_port_shutdown: flags 0 to shut the port down,
 *	     LRPC_SHUTDOWN_F_RESUME to undo that.
 *	Shut down, every thread waiting in REPLY_RECV wakes, and a receive
 *	that finds the queue empty returns -ESHUTDOWN instead of waiting;
 *	what is queued is still delivered and replies still go out.
 *	Nothing else changes: clients may still connect and call, and the
 *	port keeps its name until its fd is closed.  This is how a server
 *	stops its own threads without a time-out on every wait.
 *	errors: -EINVAL unknown flags or reserved not zero.
 *
 * LRPC_IOC_CALL (communication fd)
 *	in:  struct lrpc_call: data/len the request; reply/reply_size the
 *	     reply buffer; timeout_ns.
 *	out: msg_id is written as soon as the request is queued (another
 *	     thread may then LRPC_IOC_CANCEL it); reply_len and msg (the
 *	     replier's credentials) on success.
 *	errors: -ECONNRESET the server end is gone (pending calls fail at
 *		once when it goes); -ETIMEDOUT; -EINTR a fatal signal, or
 *		a signal when the kernel had no memory to park the call
 *		(see Signals); -ECANCELED
 *		LRPC_IOC_CANCEL; -EMSGSIZE len > max_msg_size, or the reply
 *		was larger than reply_size (reply_len tells the full length;
 *		its first reply_size octets are copied; the call is over);
 *		-EBUSY max_pending; -ENOBUFS (also: the server's reply
 *		did not fit the caller's max_user_bytes); -ENOMEM.  On
 *		-ETIMEDOUT, -EINTR and -ECANCELED a request the server
 *		has not yet received is withdrawn; one it
 *		has received is followed by a CANCEL message with its id, and
 *		the server's reply is dropped (REPLY_RECV says -ENOENT).
 *
 * LRPC_IOC_CANCEL (communication fd)
 *	in:  struct lrpc_cancel: msg_id of a call pending on this fd's
 *	     connection.  The call returns -ECANCELED.
 *	errors: -ENOENT no such pending call (unknown, already answered).
 *
 * LRPC_IOC_SEND (communication fd: to the server's port; connection fd:
 *	to the client)
 *	in:  struct lrpc_send: data/len, flags 0.
 *	out: msg_id.
 *	errors: -ECONNRESET the peer end is gone; -EMSGSIZE; -EAGAIN queue
 *		full; -ENOBUFS; -ENOMEM.
 *
 * LRPC_IOC_RECV (communication fd)
 *	in:  struct lrpc_recv: data/size, timeout_ns.
 *	out: msg: a ONEWAY message from the server.
 *	errors: -ECONNRESET the server end is gone and nothing is left;
 *		-ETIMEDOUT (-EAGAIN for timeout_ns 0); -EINTR; -EMSGSIZE as
 *		for REPLY_RECV.
 *
 * Sections (LRPC_F_SECTIONS).  A section is shared memory of a fixed
 * size (shmem, sealed: it never grows or shrinks) for large arguments.
 * Users hold *views*: fds naming a window of a section and whether it
 * may be written.  The payload is never copied; the receiver maps the
 * very pages the sender wrote.
 *
 * LRPC_IOC_SECTION_CREATE (control fd)
 *	in:  struct lrpc_section_create: size (octets), flags 0, id 0.
 *	out: returns the section fd: a writable view of the whole section,
 *	     which the creator (and anyone it hands the fd to) may mmap at
 *	     any page range within size rounded up to pages; id, the
 *	     section's id as netlink lists it.  The pages read as zero.
 *	A section lives until its last view fd, queued view and mapping
 *	are gone, whoever holds them (as an ALPC view keeps its section).
 *	Every view charges its holder for its window, pages rounded up
 *	(LRPC_F_CONN_QUOTA): the creator for the section fd (and its dups
 *	and mappings), a sender for a view queued in its message, but
 *	the caller for the view of a reply from the moment it answers its
 *	call (a call parked by a thread that never comes back keeps its
 *	reply until the communication fd goes), a receiver for the view
 *	it got (and the mappings made from it).  So a peer that keeps
 *	views counts against its own uid, never against the creator once
 *	the creator has let go.  The creator cannot
 *	revoke a view; a receiver should close and unmap what it is done
 *	with.
 *	errors: -EINVAL size 0, flags, id or reserved not zero; -EFBIG
 *		size > max_section_bytes; -EDQUOT the uid would exceed
 *		max_section_bytes or max_sections; -ENOMEM; -EMFILE.
 *
 * Attaching a view.  CALL (the request), SEND (both directions) and
 *	REPLY_RECV (the reply) take in their view field 0 or a pointer to
 *	struct lrpc_view_attach: fd a section fd or a received view fd;
 *	offset (page-aligned) and len (0: to the end) a window inside that
 *	fd's own view -- whole pages, unless it ends where the section
 *	ends, so that no octet past the window is reachable through its
 *	last page; flags LRPC_VIEW_F_WRITE to let the receiver write,
 *	allowed only if that fd may write, or LRPC_VIEW_F_SEAL (see
 *	Sealed views).  A received view may be attached again only by the
 *	process that received it, never with more rights.
 *	errors (the message is not sent): -EBADF fd is not a view;
 *		-EDQUOT the sender's uid would exceed its section limits;
 *		-EINVAL unaligned offset or length, window outside the view,
 *		unknown flags, SEAL with WRITE, reserved not zero; -EACCES
 *		write asked of a read-only view, or a received view
 *		attached by another process; -EBUSY SEAL while a page of
 *		the section is pinned for DMA; -EFAULT; -ENOMEM.
 *	The receiver gets the view as a new O_CLOEXEC fd when it receives
 *	the message (REPLY_RECV, RECV, or CALL for the reply) and asked
 *	for views (LRPC_F_RECV_VIEWS: LRPC_REPLY_F_VIEWS, LRPC_RECV_F_VIEWS,
 *	LRPC_CALL_F_VIEWS): msg.view_fd (-1 when none), msg.view_len,
 *	msg.view_flags (LRPC_VIEW_F_WRITE when granted, LRPC_VIEW_F_SEAL
 *	when sealed).  A receiver that did not ask, or whose uid is over its
 *	section limits, gets no fd: view_fd -1, view_len set,
 *	LRPC_VIEW_F_DROPPED, and the view is dropped.  A
 *	message dropped unreceived drops its view.  On -EMSGSIZE nothing is
 *	installed (view_fd -1, view_len tells a view is attached).
 *
 * Sealed views (LRPC_F_SEAL).  While a view attached with
 *	LRPC_VIEW_F_SEAL lives -- queued in a message, installed as an fd,
 *	or mapped -- nobody can change the section's octets: every shared
 *	mapping of it is write-protected (a write through one, the
 *	sender's included, is SIGBUS), a new shared writable mmap and an
 *	mprotect that adds write fail with -EBUSY.  A private (COW) mapping
 *	may still write its own copy.  So a receiver may unmarshal in place
 *	with no double fetch.  When the last sealed view and its mappings
 *	are gone the section may be written again; LRPC_IOC_VIEW_INFO
 *	reports LRPC_VIEW_F_SEAL on any fd of the section until then.
 *
 * mmap of a received view: only by the process that received it
 *	(its mm; -EACCES in another, e.g. after fork or SCM_RIGHTS), whole,
 *	from offset 0, length view_len rounded up to pages (else -EINVAL);
 *	PROT_WRITE, shared or private, on a read-only view is -EACCES, and
 *	a read-only mapping can never gain write (mprotect: -EACCES).  No
 *	view mapping can be grown by mremap.  Sharing: the receiver sees
 *	the sender's later writes and, with a write grant, the sender sees
 *	the receiver's.  Mappings are mappings of the section's shmem file:
 *	its pages can be reclaimed, swapped and migrated like any shmem
 *	page, and are charged to the memory cgroup that faulted them in.
 *	A mapping holds the module, like an open fd: rmmod fails (EAGAIN)
 *	until every view is unmapped.
 *
 * LRPC_IOC_VIEW_INFO (section fd or view fd)
 *	out: struct lrpc_view_info: section_id, offset of the view in the
 *	     section, len, flags (LRPC_VIEW_F_WRITE if it may write,
 *	     LRPC_VIEW_F_SEAL while the section is sealed).
 *
 * Section limits (module parameters, per euid of the holder: see above):
 *	max_section_bytes	octets of the views held, pages rounded up
 *				(default 256 MiB)
 *	max_sections		views held (default 1024)
 *
 * poll/epoll.  Port fd: EPOLLIN while a message is queued.
 * Communication fd: EPOLLOUT while connected, EPOLLIN while a message is
 * queued, EPOLLHUP once the server end is gone.  Connection fd: EPOLLOUT
 * while the client is there, EPOLLHUP once it is gone or the port closed.
 *
 * Close.  The client's communication fd going away (close, exit, kill)
 * queues PORT_CLOSED for its connection on the port, after any message it
 * sent.  The server's connection fd or the port fd going away resets the
 * connection: its queued requests are dropped, pending and later calls
 * fail with -ECONNRESET, the client's fd polls EPOLLHUP.  A port going
 * away also fails its pending connects with -ECONNRESET.
 *
 * Names (LRPC_F_USER_NAMES).  A name lives in the ipc namespace of the
 * port's creator and in the scope of its owner (euid): the key is
 * (ipc namespace, owner, name), so two uids may each hold a port called
 * "x" and no uid can ever take, reserve or intercept a name another uid
 * uses, before its service starts, while it runs or after it stops.  A
 * client reaches another uid's port only by naming that uid
 * (LRPC_CONNECT_F_SERVER_UID); without it, CONNECT finds the caller's
 * own port, else root's -- uid 0 of the user namespace that owns the
 * ipc namespace, where system services such as the endpoint mapper
 * run.  A service run by its own uid (systemd User=, DynamicUser=) is
 * reached by clients that name that uid (liblrpc: the binding option
 * server_uid).  A namespace's identity is its address, inode number and
 * internal mqueue mount, which each port pins (the module cannot pin
 * the namespace itself: put_ipc_ns() is not exported), so a name never
 * passes to a namespace made after the first one died; a port that
 * outlives its namespace (its fd passed out) keeps a name that nobody
 * can reach.  pidfds are not offered: Linux 6.1 does not export a way
 * to create one from a module.
 *
 * Any other ioctl number: -ENOTTY.
 */
#ifndef _UAPI_LINUX_LRPC_H
#define _UAPI_LINUX_LRPC_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define LRPC_DEVICE_NAME	"lrpc"
#define LRPC_IOC_MAGIC		0xb7

/* Feature bits: what this module implements. */
#define LRPC_F_GET_FEATURES	(1ULL << 0)	/* this ioctl and struct */
#define LRPC_F_PORTS		(1ULL << 1)	/* ports, connect, call, send */
#define LRPC_F_SECTIONS		(1ULL << 2)	/* sections, views on messages */
#define LRPC_F_NETLINK		(1ULL << 3)	/* generic netlink family "lrpc" */
#define LRPC_F_SHUTDOWN		(1ULL << 4)	/* LRPC_IOC_PORT_SHUTDOWN */
#define LRPC_F_USER_NAMES	(1ULL << 5)	/* names scoped by owner uid */
#define LRPC_F_CALL_RESTART	(1ULL << 6)	/* calls survive signals */
#define LRPC_F_SEAL		(1ULL << 7)	/* LRPC_VIEW_F_SEAL; shmem vmas */
#define LRPC_F_RECV_VIEWS	(1ULL << 8)	/* views only when asked for */
#define LRPC_F_CONN_QUOTA	(1ULL << 9)	/* per-connection queues */
#define LRPC_F_ALL		(LRPC_F_GET_FEATURES | LRPC_F_PORTS | \
				 LRPC_F_SECTIONS | LRPC_F_NETLINK | \
				 LRPC_F_SHUTDOWN | LRPC_F_USER_NAMES | \
				 LRPC_F_CALL_RESTART | LRPC_F_SEAL | \
				 LRPC_F_RECV_VIEWS | LRPC_F_CONN_QUOTA)

struct lrpc_features {
	__u64 features;		/* LRPC_F_* */
	__u32 max_inline_size;	/* largest inline message payload, octets */
	__u32 max_connect_size;	/* LRPC_CONNECT_DATA_MAX */
	__u32 name_max;		/* LRPC_NAME_MAX */
	__u32 max_queue;
	__u32 max_pending;
	__u32 max_backlog;
	__u64 max_user_bytes;
	__u64 max_section_bytes;	/* section octets per uid */
	__u32 max_sections;		/* sections per uid */
	__u32 reserved[3];	/* zero */
};

#define LRPC_NAME_MAX		64	/* with the terminating NUL */
#define LRPC_CONNECT_DATA_MAX	256

/* Port mode: who may connect (owner euid, owner egid, anybody else). */
#define LRPC_MODE_OWNER		(1U << 0)
#define LRPC_MODE_GROUP		(1U << 1)
#define LRPC_MODE_OTHER		(1U << 2)
#define LRPC_MODE_ALL		(LRPC_MODE_OWNER | LRPC_MODE_GROUP | LRPC_MODE_OTHER)

struct lrpc_port_create {
	char name[LRPC_NAME_MAX];
	__u32 mode;		/* LRPC_MODE_* */
	__u32 backlog;
	__u32 flags;		/* zero */
	__u32 reserved[5];
};

#define LRPC_CONNECT_F_SERVER_UID	(1U << 0)
#define LRPC_CONNECT_F_ALL		(LRPC_CONNECT_F_SERVER_UID)

struct lrpc_connect {
	char name[LRPC_NAME_MAX];
	__u64 data;		/* in: connect payload */
	__u32 len;
	__u32 flags;		/* LRPC_CONNECT_F_* */
	__u64 reply;		/* in: buffer for the server's payload */
	__u32 reply_size;
	__u32 reply_len;	/* out */
	__s64 timeout_ns;
	__u64 conn_id;		/* out */
	__u32 server_uid;	/* with LRPC_CONNECT_F_SERVER_UID */
	__u32 reserved[5];
};

/* Message kinds */
#define LRPC_MSG_REQUEST		1
#define LRPC_MSG_ONEWAY			2
#define LRPC_MSG_CONNECT_REQUEST	3
#define LRPC_MSG_PORT_CLOSED		4
#define LRPC_MSG_CANCEL			5
#define LRPC_MSG_REPLY			6

/* What a receiver learns about a message; all output. */
struct lrpc_msg_info {
	__u64 msg_id;		/* for CANCEL: the id of the abandoned call */
	__u64 conn_id;
	__u32 kind;		/* LRPC_MSG_* */
	__u32 len;		/* payload octets */
	__s32 tgid;		/* sender, at send time */
	__s32 pid;
	__u32 uid;		/* euid */
	__u32 gid;		/* egid */
	__s32 view_fd;		/* the attached view's new fd, -1: none */
	__u32 view_flags;	/* LRPC_VIEW_F_WRITE: write granted */
	__u64 view_len;		/* the attached view's length, 0: none */
};

#define LRPC_ACCEPT_F_REJECT	(1U << 0)
#define LRPC_ACCEPT_F_ALL	(LRPC_ACCEPT_F_REJECT)

struct lrpc_accept {
	__u64 msg_id;		/* of the CONNECT_REQUEST */
	__u64 data;		/* payload for the client */
	__u32 len;
	__u32 flags;		/* LRPC_ACCEPT_F_* */
	__u64 reserved[2];
};

#define LRPC_REPLY_F_NORECV	(1U << 0)	/* reply only, receive nothing */
#define LRPC_REPLY_F_VIEWS	(1U << 1)	/* install a received view */
#define LRPC_REPLY_F_ALL	(LRPC_REPLY_F_NORECV | LRPC_REPLY_F_VIEWS)

struct lrpc_reply_recv {
	__u64 reply_id;		/* 0: receive only */
	__u64 reply_data;
	__u32 reply_len;
	__u32 flags;		/* LRPC_REPLY_F_* */
	__u64 data;		/* receive buffer */
	__u32 size;
	__u32 pad;
	__s64 timeout_ns;
	struct lrpc_msg_info msg;	/* out */
	__u64 view;		/* in: 0 or a struct lrpc_view_attach for the reply */
	__u64 reserved[1];
};

#define LRPC_CALL_F_VIEWS	(1U << 0)	/* install the reply's view */
#define LRPC_CALL_F_ALL		(LRPC_CALL_F_VIEWS)

struct lrpc_call {
	__u64 data;		/* request */
	__u32 len;
	__u32 flags;		/* LRPC_CALL_F_* */
	__u64 reply;		/* reply buffer */
	__u32 reply_size;
	__u32 reply_len;	/* out */
	__s64 timeout_ns;
	__u64 msg_id;		/* out, written before the wait */
	struct lrpc_msg_info msg;	/* out: the reply's sender */
	__u64 view;		/* in: 0 or a struct lrpc_view_attach */
	__u64 reserved[1];
};

struct lrpc_cancel {
	__u64 msg_id;
	__u64 reserved[2];
};

struct lrpc_send {
	__u64 data;
	__u32 len;
	__u32 flags;		/* zero */
	__u64 msg_id;		/* out */
	__u64 view;		/* in: 0 or a struct lrpc_view_attach */
	__u64 reserved[1];
};

#define LRPC_RECV_F_VIEWS	(1U << 0)	/* install a received view */
#define LRPC_RECV_F_ALL		(LRPC_RECV_F_VIEWS)

struct lrpc_recv {
	__u64 data;
	__u32 size;
	__u32 flags;		/* LRPC_RECV_F_* */
	__s64 timeout_ns;
	struct lrpc_msg_info msg;	/* out */
	__u64 reserved[2];
};

#define LRPC_IOC_GET_FEATURES	_IOR(LRPC_IOC_MAGIC, 0x00, struct lrpc_features)
#define LRPC_IOC_PORT_CREATE	_IOW(LRPC_IOC_MAGIC, 0x01, struct lrpc_port_create)
#define LRPC_IOC_CONNECT	_IOWR(LRPC_IOC_MAGIC, 0x02, struct lrpc_connect)
#define LRPC_IOC_ACCEPT		_IOW(LRPC_IOC_MAGIC, 0x03, struct lrpc_accept)
#define LRPC_IOC_REPLY_RECV	_IOWR(LRPC_IOC_MAGIC, 0x04, struct lrpc_reply_recv)
#define LRPC_IOC_CALL		_IOWR(LRPC_IOC_MAGIC, 0x05, struct lrpc_call)
#define LRPC_IOC_CANCEL		_IOW(LRPC_IOC_MAGIC, 0x06, struct lrpc_cancel)
#define LRPC_IOC_SEND		_IOWR(LRPC_IOC_MAGIC, 0x07, struct lrpc_send)
#define LRPC_IOC_RECV		_IOWR(LRPC_IOC_MAGIC, 0x08, struct lrpc_recv)

/* Sections and views (LRPC_F_SECTIONS) */
struct lrpc_section_create {
	__u64 size;		/* octets, 1..max_section_bytes */
	__u32 flags;		/* zero */
	__u32 id;		/* out: the section's id (netlink) */
	__u64 reserved[2];
};

#define LRPC_VIEW_F_WRITE	(1U << 0)	/* the receiver may write */
#define LRPC_VIEW_F_SEAL	(1U << 1)	/* nobody writes while it lives */
#define LRPC_VIEW_F_ALL		(LRPC_VIEW_F_WRITE | LRPC_VIEW_F_SEAL)
#define LRPC_VIEW_F_DROPPED	(1U << 2)	/* out: attached, not installed */

/* Pointed to by the view field of lrpc_call, lrpc_send, lrpc_reply_recv. */
struct lrpc_view_attach {
	__s32 fd;		/* a section fd or a received view fd */
	__u32 flags;		/* LRPC_VIEW_F_* */
	__u64 offset;		/* into that view, page-aligned */
	__u64 len;		/* 0: up to the end of that view */
	__u64 reserved[2];
};

struct lrpc_view_info {
	__u32 section_id;
	__u32 flags;		/* LRPC_VIEW_F_WRITE if this view may write */
	__u64 offset;		/* of the view in its section */
	__u64 len;
	__u64 reserved[2];
};

#define LRPC_IOC_SECTION_CREATE	_IOWR(LRPC_IOC_MAGIC, 0x09, struct lrpc_section_create)
#define LRPC_IOC_VIEW_INFO	_IOR(LRPC_IOC_MAGIC, 0x0a, struct lrpc_view_info)

/* Stopping a port's receivers (LRPC_F_SHUTDOWN) */
#define LRPC_SHUTDOWN_F_RESUME	(1U << 0)	/* undo a shutdown */
#define LRPC_SHUTDOWN_F_ALL	(LRPC_SHUTDOWN_F_RESUME)

struct lrpc_port_shutdown {
	__u32 flags;		/* LRPC_SHUTDOWN_F_* */
	__u32 reserved[3];
};

#define LRPC_IOC_PORT_SHUTDOWN	_IOW(LRPC_IOC_MAGIC, 0x0b, struct lrpc_port_shutdown)

/*
 * Generic netlink (LRPC_F_NETLINK): family LRPC_GENL_NAME, version
 * LRPC_GENL_VERSION; its YAML spec is lrpc.yaml beside this header.
 * Every command is a dump (NLM_F_DUMP); each object is one message
 * whose top-level attributes are that object's LRPC_*_A_*.
 *
 * LRPC_CMD_GET_PORT	one message per connection port: LRPC_PORT_A_*;
 *			its counters nested in LRPC_PORT_A_STATS
 *			(LRPC_STATS_A_*).  Request: no attributes.
 * LRPC_CMD_GET_CONN	one message per accepted connection that is not
 *			fully closed: LRPC_CONN_A_*.  Request: optional
 *			LRPC_CONN_A_PORT_ID to list one port's.
 * LRPC_CMD_GET_SECTION	one message per section: LRPC_SECTION_A_*.
 *			Request: no attributes.
 *
 * Who sees what: a caller with CAP_SYS_ADMIN in the initial user
 * namespace (checked on the netlink socket's opener and the caller,
 * netlink_capable()) sees every object.  Anybody else sees only ports
 * of its own ipc namespace: all of them if it has CAP_SYS_ADMIN in the
 * user namespace that owns that ipc namespace, else those whose owner
 * is its euid; the connections of the ports it sees and the
 * connections it opened (client euid); and the sections it created.
 * Uids and pids are given in the caller's namespaces.
 * Errors: -EINVAL an attribute the request does not take (strict
 * validation), -EOPNOTSUPP a command without NLM_F_DUMP.
 */
#define LRPC_GENL_NAME		"lrpc"
#define LRPC_GENL_VERSION	1

enum lrpc_cmd {
	LRPC_CMD_UNSPEC,
	LRPC_CMD_GET_PORT,
	LRPC_CMD_GET_CONN,
	LRPC_CMD_GET_SECTION,
	__LRPC_CMD_MAX
};

#define LRPC_CMD_MAX (__LRPC_CMD_MAX - 1)

enum lrpc_port_attr {
	LRPC_PORT_A_UNSPEC,
	LRPC_PORT_A_ID,		/* u32 */
	LRPC_PORT_A_NAME,	/* NUL-terminated string */
	LRPC_PORT_A_OWNER_UID,	/* u32 */
	LRPC_PORT_A_OWNER_GID,	/* u32 */
	LRPC_PORT_A_MODE,	/* u32: LRPC_MODE_* */
	LRPC_PORT_A_BACKLOG,	/* u32 */
	LRPC_PORT_A_CONNS,	/* u32: accepted connections */
	LRPC_PORT_A_CONNECTING,	/* u32: connect requests not yet answered */
	LRPC_PORT_A_QUEUED,	/* u32: messages in the port queue */
	LRPC_PORT_A_WAITERS,	/* u32: threads waiting in REPLY_RECV */
	LRPC_PORT_A_STATS,	/* nest: LRPC_STATS_A_* */
	LRPC_PORT_A_PAD,
	__LRPC_PORT_A_LAST
};

#define LRPC_PORT_A_MAX (__LRPC_PORT_A_LAST - 1)

/* Counters since the port was created. */
enum lrpc_stats_attr {
	LRPC_STATS_A_UNSPEC,
	LRPC_STATS_A_MSGS,	/* u64: requests, replies, one-way messages */
	LRPC_STATS_A_BYTES,	/* u64: their inline payload octets */
	LRPC_STATS_A_VIEWS,	/* u64: of them, carrying a section view */
	LRPC_STATS_A_ERRORS,	/* u64: calls and sends refused */
	LRPC_STATS_A_CANCELS,	/* u64: calls and connects cancelled */
	LRPC_STATS_A_TIMEOUTS,	/* u64: calls and connects timed out */
	LRPC_STATS_A_PAD,
	__LRPC_STATS_A_LAST
};

#define LRPC_STATS_A_MAX (__LRPC_STATS_A_LAST - 1)

enum lrpc_conn_attr {
	LRPC_CONN_A_UNSPEC,
	LRPC_CONN_A_ID,		/* u64: the conn_id messages carry */
	LRPC_CONN_A_PORT_ID,	/* u32 */
	LRPC_CONN_A_PORT_NAME,	/* NUL-terminated string */
	LRPC_CONN_A_PEER_PID,	/* u32: client tgid at connect, or 0 */
	LRPC_CONN_A_PEER_UID,	/* u32: client euid at connect */
	LRPC_CONN_A_PENDING,	/* u32: calls waiting for replies */
	LRPC_CONN_A_QUEUED,	/* u32: one-way messages queued to the client */
	LRPC_CONN_A_STATE,	/* u32: LRPC_CONN_S_* */
	LRPC_CONN_A_PAD,
	__LRPC_CONN_A_LAST
};

#define LRPC_CONN_A_MAX (__LRPC_CONN_A_LAST - 1)

#define LRPC_CONN_S_CONNECTED	0
#define LRPC_CONN_S_CLIENT_GONE	1	/* PORT_CLOSED queued or delivered */
#define LRPC_CONN_S_SERVER_GONE	2	/* reset: calls fail */

enum lrpc_section_attr {
	LRPC_SECTION_A_UNSPEC,
	LRPC_SECTION_A_ID,		/* u32 */
	LRPC_SECTION_A_SIZE,		/* u64: octets, as created */
	LRPC_SECTION_A_RESIDENT,	/* u64: octets of pages allocated */
	LRPC_SECTION_A_MAPPINGS,	/* u32: vmas mapping it */
	LRPC_SECTION_A_VIEWS,		/* u32: view fds and queued views */
	LRPC_SECTION_A_OWNER_UID,	/* u32: the creator's euid */
	LRPC_SECTION_A_CREATOR_PID,	/* u32: tgid, 0 if not visible */
	LRPC_SECTION_A_PAD,
	__LRPC_SECTION_A_LAST
};

#define LRPC_SECTION_A_MAX (__LRPC_SECTION_A_LAST - 1)

#endif /* _UAPI_LINUX_LRPC_H */
