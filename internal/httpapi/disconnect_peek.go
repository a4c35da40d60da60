//go:build linux || darwin

package httpapi

import (
	"errors"
	"syscall"
)

// peerClosed peeks at the socket without waiting and without consuming
// anything (a pipelined next request stays for the server to read): an
// orderly end of stream or a reset means the client is gone. A client that
// half-closes after sending its request is taken as gone too; browsers and
// HTTP libraries do not do that.
func peerClosed(raw syscall.RawConn) bool {
	var closed bool
	var buf [1]byte
	err := raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == nil:
			closed = n == 0
		case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EINTR):
		default:
			closed = true // ECONNRESET and the like
		}
		return true // never wait for readiness
	})
	return closed || err != nil
}
