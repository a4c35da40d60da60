//go:build linux || darwin

package httpapi

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// TestPeerClosedPeeksWithoutConsuming: a connected client, idle or with a
// pipelined request waiting, is not gone, and the waiting bytes are still
// there for the server to read; a client that closed is gone.
func TestPeerClosedPeeksWithoutConsuming(t *testing.T) {
	client, server := tcpPair(t)
	raw := rawConn(server)
	if raw == nil {
		t.Fatal("no raw socket under a TCP connection")
	}
	if peerClosed(raw) {
		t.Fatal("an idle, connected client reported gone")
	}
	if _, err := client.Write([]byte("GET / HTTP/1.1\r\n")); err != nil {
		t.Fatal(err)
	}
	// Arrived or still in flight, the bytes do not make the client gone.
	if peerClosed(raw) {
		t.Fatal("a client with a pipelined request reported gone")
	}
	buf := make([]byte, 16)
	server.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(server, buf); err != nil || string(buf) != "GET / HTTP/1.1\r\n" {
		t.Fatalf("the peeked bytes were consumed: %q %v", buf, err)
	}
	client.Close()
	gone := make(chan struct{})
	stop := watchPeer(server, func() { close(gone) }, time.Millisecond)
	defer stop()
	select {
	case <-gone:
	case <-time.After(10 * time.Second):
		t.Fatal("a closed client was never reported gone")
	}
}

// TestCancelOnDisconnect: on a real listener, a handler behind
// cancelOnDisconnect sees its context cancelled when the client hangs up
// mid-request, and its context is the request's again afterwards.
func TestCancelOnDisconnect(t *testing.T) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	seen := make(chan error, 1)
	app.Post("/parse", cancelOnDisconnect, func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		select {
		case <-ctx.Done():
			seen <- ctx.Err()
		case <-time.After(30 * time.Second):
			seen <- nil
		}
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	defer app.Shutdown()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, "POST /parse HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if err := <-seen; !errors.Is(err, context.Canceled) {
		t.Fatalf("handler context after the client left: %v", err)
	}
}
