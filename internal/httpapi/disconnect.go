package httpapi

import (
	"context"
	"crypto/tls"
	"net"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
)

// disconnectPoll is how often a parsing request looks whether its client
// is still connected.
const disconnectPoll = 200 * time.Millisecond

// cancelOnDisconnect gives the handler a context that is cancelled when the
// client closes its connection. fasthttp never cancels a request's context
// (its Done is the server's shutdown), so without this a client that gave
// up on a 50,000-row roster or a large PDF would leave its parse running to
// the end, holding a slot of the parse cap. Routes that parse uploaded
// files use it; the parsers check their context as they go.
func cancelOnDisconnect(c *fiber.Ctx) error {
	ctx, cancel := context.WithCancel(c.UserContext())
	defer cancel()
	stop := watchPeer(c.Context().Conn(), cancel, disconnectPoll)
	defer stop()
	outer := c.UserContext()
	c.SetUserContext(ctx)
	defer c.SetUserContext(outer)
	return c.Next()
}

// watchPeer calls gone once conn's peer has closed the connection, looking
// every poll until stop is called. A connection it cannot look into (not a
// socket, as in app.Test) is never reported.
func watchPeer(conn net.Conn, gone func(), poll time.Duration) (stop func()) {
	raw := rawConn(conn)
	if raw == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(poll)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if peerClosed(raw) {
					gone()
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// rawConn returns the socket under conn (under TLS too), or nil.
func rawConn(conn net.Conn) syscall.RawConn {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}
