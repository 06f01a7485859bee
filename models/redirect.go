package models

import (
	"net/url"
	"strings"
)

// maxLocalPathLength bounds what is stored in a session and echoed in a Location header.
const maxLocalPathLength = 2048

// SafeLocalPath judges an after-login target. It returns the path to redirect to
// and true only for a same-origin path (with optional query) that no browser can
// turn into another origin; everything else is refused. It is the one function used
// both when the target is stored and when it is used (security.md section 2.3).
func SafeLocalPath(raw string) (string, bool) {
	if len(raw) == 0 || len(raw) > maxLocalPathLength {
		return "", false
	}
	// Must start with exactly one slash: "//host" and "/\host" are other origins.
	if raw[0] != '/' || (len(raw) > 1 && (raw[1] == '/' || raw[1] == '\\')) {
		return "", false
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		// Browsers strip tabs/newlines and treat "\" as "/"; controls and spaces are
		// never needed in a path we produced ourselves (it is already escaped).
		if c <= 0x20 || c == 0x7f || c == '\\' || c >= 0x80 {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	// Decoded slashes or backslashes at the start ("/%2F%2Fevil", "/%5Cevil") are
	// refused too, in case something downstream decodes the path once more.
	if p := u.Path; strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "", false
	}
	// Likewise encoded controls ("/%09/evil" is "//evil" once decoded and stripped,
	// "/%0d%0a..." a header injection): no page of ours has them in its path.
	if strings.ContainsFunc(u.Path, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", false
	}
	// Fragments never reach the server; drop them so the stored value is canonical.
	u.Fragment = ""
	u.RawFragment = ""
	// Escaping can lengthen it ("`" becomes "%60"): judge the result too, so that what
	// is accepted when stored is accepted again when used.
	out := u.RequestURI()
	if len(out) > maxLocalPathLength {
		return "", false
	}
	return out, true
}
