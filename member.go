package meldwijzer

// AuditRoles is the audit action of an admin who granted or withdrew roles: Detail is the
// account's subject and the roles it has after the change.
const AuditRoles = "roles"

// Member is a staff account that signs in at an institution, as the school's admin sees it in
// "who has access". It holds no password and no secret.
type Member struct {
	// Subject is the account's token subject (the audit log's actor).
	Subject string
	// Username is the directory's own name for the account (Cognito's username), used to change
	// its groups; never shown.
	Username string
	Email    string
	Name     string
	// Principal is eduPersonPrincipalName for a SURFconext account.
	Principal string
	// Federated: the account comes from SURFconext (else an operator made it).
	Federated bool
	Enabled   bool
	// Roles are the roles granted in Meldwijzer (the pool's groups), which the admin may change;
	// ProviderGroups are the school's own groups from its identity provider.
	Roles          []string
	ProviderGroups []string
}
