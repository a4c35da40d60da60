package auth

import (
	"context"

	"fugong/internal/store"
)

// Entry returns the audit entry of action on object taken by p, from p's
// address. Services append it inside the transaction of the change it
// records (store.DB.AppendAudit on the tx), so the change and its entry
// commit together or not at all.
func (p *Principal) Entry(action, object, details string) *store.AuditEntry {
	return &store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: action, Object: object, IP: p.IP, Peer: p.Peer, Details: details}
}

// CLI is the principal of an operator at the command line: audited as
// "cli" with the admin role (whoever can run the binary against the
// database is one).
func CLI() *Principal { return &Principal{Username: "cli", Role: store.RoleAdmin} }

// anonymousEntry is the audit entry of an action by a caller not signed in
// (a login or an activation), named by what they typed.
func anonymousEntry(ctx context.Context, actor string, role store.Role, ip, action, object string) *store.AuditEntry {
	return &store.AuditEntry{Actor: actor, Role: string(role), Action: action, Object: object, IP: ip, Peer: peerOf(ctx)}
}

type peerKey struct{}

// WithPeer returns ctx carrying the address of the connection's peer (a
// proxy, or the client itself), which audit entries of callers not yet
// signed in record beside the client address.
func WithPeer(ctx context.Context, peer string) context.Context {
	return context.WithValue(ctx, peerKey{}, peer)
}

func peerOf(ctx context.Context) string {
	p, _ := ctx.Value(peerKey{}).(string)
	return p
}
