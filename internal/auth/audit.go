package auth

import "fugong/internal/store"

// Entry returns the audit entry of action on object taken by p, from p's
// address. Services append it inside the transaction of the change it
// records (store.DB.AppendAudit on the tx), so the change and its entry
// commit together or not at all.
func (p *Principal) Entry(action, object, details string) *store.AuditEntry {
	return &store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: action, Object: object, IP: p.IP, Details: details}
}

// CLI is the principal of an operator at the command line: audited as
// "cli" with the admin role (whoever can run the binary against the
// database is one).
func CLI() *Principal { return &Principal{Username: "cli", Role: store.RoleAdmin} }

// anonymousEntry is the audit entry of an action by a caller not signed in
// (a login or an activation), named by what they typed.
func anonymousEntry(actor string, role store.Role, ip, action, object string) *store.AuditEntry {
	return &store.AuditEntry{Actor: actor, Role: string(role), Action: action, Object: object, IP: ip}
}
