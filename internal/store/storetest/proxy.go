package storetest

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"

	"fugong/internal/config"
	"fugong/internal/store"
	"fugong/internal/testenv"
)

// Proxy is a TCP forwarder between a store and the test MariaDB server that
// a test can cut, as when the database node behind a replica dies: open
// connections break and new ones are refused until Restore.
type Proxy struct {
	target string
	mu     sync.Mutex
	ln     net.Listener
	addr   string
	conns  map[net.Conn]bool
}

// MustOpenViaProxy opens a fresh, migrated MariaDB database through a
// Proxy; both are closed at cleanup.
func MustOpenViaProxy(tb testing.TB) (*store.DB, *Proxy) {
	tb.Helper()
	cfg := Config(tb, "mysql")
	mc, err := mysqldriver.ParseDSN(cfg.DSN)
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{target: mc.Addr, conns: map[net.Conn]bool{}}
	if err := p.listen("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Cut)
	mc.Addr = p.addr
	cfg.DSN = mc.FormatDSN()
	return mustOpenMigrated(tb, cfg), p
}

func mustOpenMigrated(tb testing.TB, cfg config.Database) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		testenv.Unreachable(tb, "MariaDB", err.Error())
	}
	tb.Cleanup(func() { db.Close() })
	db.SetAuditKey(AuditKey)
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}

func (p *Proxy) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
	return nil
}

func (p *Proxy) forward(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[s] = true, true
	p.mu.Unlock()
	go func() { io.Copy(s, c); s.Close() }()
	io.Copy(c, s)
	c.Close()
}

// Cut closes the listener and every open connection: queries on them fail,
// new connections are refused.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// Restore listens again on the same address.
func (p *Proxy) Restore(tb testing.TB) {
	tb.Helper()
	if err := p.listen(p.addr); err != nil {
		tb.Fatal(err)
	}
}
