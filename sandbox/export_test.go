package sandbox

// Tokens is the number of tokens the sandbox remembers (tokens_test.go measures its bound).
func (sb *Sandbox) Tokens() int { return sb.s.tokens.len() }
