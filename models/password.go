package models

import "strings"

// Messages for passwords that meet the length rules but are easy to guess. They
// say why, so the user can choose better (NIST SP 800-63B §3.1.1.2).
const (
	CommonPasswordMessage = "This password is one of the most common ones, so it is among the first an attacker tries. Choose another."
	OwnEmailMessage       = "Don't use your email address, or the part before the @, as your password: it is among the first things an attacker tries."
)

// guessablePassword reports why a password of acceptable length is too easy to
// guess for the account with this (normalised) email, or "". email may be ""
// when there is none yet.
func guessablePassword(pw, email string) string {
	if isOwnEmail(pw, email) {
		return OwnEmailMessage
	}
	if IsCommonPassword(pw) || IsCommonPassword(repeatedUnit(pw)) {
		return CommonPasswordMessage
	}
	return ""
}

// isOwnEmail reports whether pw is, ignoring case, the whole address, its local
// part, or its local part without a +tag.
func isOwnEmail(pw, email string) bool {
	email = NormalizeEmail(email)
	at := strings.LastIndexByte(email, '@')
	if at < 1 {
		return false
	}
	local := email[:at]
	untagged, _, _ := strings.Cut(local, "+")
	for _, s := range []string{email, local, untagged} {
		if strings.EqualFold(pw, s) {
			return true
		}
	}
	return false
}

// repeatedUnit returns u when pw is u written two or more times ("qwertyqwerty"
// gives "qwerty"), else "": the length rules make such repeats of short common
// passwords the common passwords that remain.
func repeatedUnit(pw string) string {
	for n := 1; n <= len(pw)/2; n++ {
		// A string whose length n divides is n-periodic exactly when shifting it
		// by n changes nothing.
		if len(pw)%n == 0 && pw[n:] == pw[:len(pw)-n] {
			return pw[:n]
		}
	}
	return ""
}
