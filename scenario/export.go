package scenario

import "github.com/kontrak/kontrak/contract"

// CredentialVars lists every environment variable a vendor's requests use: x-kontrak-env of the spec, of
// its security schemes and of its signature credentials. kontrak serve reads the values it accepts from
// them.
func CredentialVars(v *contract.Vendor) []string { return credentialVars(v) }

// CredentialHeaders lists the header names that carry a vendor's credentials: never part of a match.
func CredentialHeaders(v *contract.Vendor) []string { return credentialHeaders(v) }

// VolatileFields lists the request body fields of a vendor that differ on every run (signature inputs
// and the signature): never part of a match.
func VolatileFields(v *contract.Vendor) []string { return volatileFields(v) }
