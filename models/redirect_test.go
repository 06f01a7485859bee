package models_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

// shopOrigin is the origin every accepted path must stay on.
const shopOrigin = "https://shop.example"

// browserResolve resolves a Location value the way a browser does before it
// navigates: it strips leading/trailing C0 controls and spaces, removes tabs and
// newlines anywhere, and treats a backslash as a slash (WHATWG URL, special schemes).
func browserResolve(loc string) (*url.URL, error) {
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= 0x20 })
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	base, _ := url.Parse(shopOrigin + "/login")
	ref, err := url.Parse(loc)
	if err != nil {
		return nil, err
	}
	return base.ResolveReference(ref), nil
}

// assertStaysHome checks what SafeLocalPath accepted: a single-slash path that
// resolves to the shop's own origin both as written and as a browser reads it,
// carries no controls, and is a fixed point of SafeLocalPath.
func assertStaysHome(t *testing.T, in, out string) {
	t.Helper()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.HasPrefix(out, `/\`) {
		t.Errorf("SafeLocalPath(%q) = %q: not a single-slash path", in, out)
	}
	if len(out) > 2048 {
		t.Errorf("SafeLocalPath(%q): %d bytes, over the limit", in, len(out))
	}
	for _, r := range out {
		if r <= 0x20 || r == 0x7f || r == '\\' || r >= 0x80 {
			t.Errorf("SafeLocalPath(%q) = %q: contains %q", in, out, r)
		}
	}
	u, err := browserResolve(out)
	if err != nil || u.Scheme != "https" || u.Host != "shop.example" || u.User != nil {
		t.Errorf("SafeLocalPath(%q) = %q: a browser goes to %v (%v)", in, out, u, err)
	}
	if again, ok := models.SafeLocalPath(out); !ok || again != out {
		t.Errorf("SafeLocalPath(%q) = %q, but SafeLocalPath(%q) = %q, %v", in, out, out, again, ok)
	}
	// Its path, decoded once more (a careless proxy might), is still no other host
	// and no header injection. (Encoded bytes in the query are harmless: browsers
	// and Location headers keep them encoded.)
	path, _, _ := strings.Cut(out, "?")
	if dec, err := url.PathUnescape(path); err == nil {
		if strings.HasPrefix(dec, "//") || strings.HasPrefix(dec, `/\`) || strings.ContainsAny(dec, "\r\n\t\x00") {
			t.Errorf("SafeLocalPath(%q) = %q: decodes to %q", in, out, dec)
		}
	}
}

// redirectAttacks are after-login targets that must be refused: security.md
// section 2.4 (Django's test_security_check and test_bad_urls, PayloadsAllTheThings)
// and more (encodings, controls, backslashes, userinfo, dotted hosts, CRLF, length).
var redirectAttacks = []string{
	// Django LoginTest.test_security_check
	"http://example.com", "http:///example.com", "https://example.com", "ftp://example.com",
	"///example.com", "//example.com", `javascript:alert("XSS")`,
	// Django URLHasAllowedHostAndSchemeTests.test_bad_urls
	`\\example.com`, `\\\example.com`, `/\\/example.com`, `\\//example.com`, `/\/example.com`, `\/example.com`,
	`/\example.com`, `http:/\//example.com`, `http:\/example.com`, `http:/\example.com`,
	"\njavascript:alert(x)", "java\nscript:alert(x)", "\x08//example.com",
	`http://otherserver\@example.com`, `http:\\testserver\@example.com`, `http://testserver\me:pass@example.com`,
	`http://testserver\@example.com`, `http:\\testserver\confirm\me@example.com`,
	"http:999999999", "ftp:9999999999", "\n",
	"http://[2001:cdba:0000:0000:0000:0000:3257:9652/", "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
	// PayloadsAllTheThings
	"https:google.com", `\/\/google.com/`, `/\/google.com/`, "//google%E3%80%82com", "//google%00.com",
	"http://www.theirsite.com@yoursite.com/", "java%0d%0ascript%0d%0a:alert(0)",
	"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	// browser normalisation: leading/trailing spaces and controls, tabs and newlines inside
	" //evil.example", "\t//evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example",
	"\x00//evil.example", "\x1f/evil.example", " /products", "/products ", "/\x7f/evil.example",
	// percent-encodings of slashes, backslashes and controls (double decoding downstream)
	"/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "/%5c%5cevil.example", "%2F%2Fevil.example",
	"/%09/evil.example", "/%0a/evil.example", "/%0d%0aSet-Cookie:%20x=1", "/%00/evil.example", "%252F%252Fevil.example",
	"/%0D%0ALocation:%20https://evil.example",
	// raw CRLF (header injection)
	"/\r\nSet-Cookie: x=1", "/products\r\nLocation: https://evil.example", "/products\nX: y",
	// userinfo, ports and dotted hosts
	"//user:pass@evil.example", "http://127.0.0.1:3000@evil.example/", `http://evil.example\@127.0.0.1:3000`,
	"http://127.0.0.1:3000.evil.example/", "//127.0.0.1:3000.evil.example", "//shop.example.evil.example/",
	"https://shop.example.evil.example/account", "//evil.example:443/", "//evil。example", "/\u3002/evil.example",
	// scheme-relative and scheme tricks
	"https:/evil.example", "HTTPS://evil.example", "hTtP://evil.example", "javascript://%0aalert(1)",
	"JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "file:///etc/passwd", "mailto:x@evil.example",
	// backslashes anywhere (browsers read them as slashes; none of our paths has one)
	`/products\..\..\evil.example`, `/a\b`, `/products?next=\\evil.example`,
	// not absolute paths at all
	"", "products", "evil.example", "./products", "../products", "?next=//evil.example", "#//evil.example",
	// Unicode lookalikes and non-ASCII
	"/\u2215\u2215evil.example", "/\uff0f\uff0fevil.example", "/\u00a0/evil.example", "/caf\u00e9",
	// too long
	"/" + strings.Repeat("a", 2048), "/products?q=" + strings.Repeat("x", 4096),
}

// redirectKeep are local targets that must be kept exactly (Django's good URLs,
// where they are paths, and the shop's own pages).
var redirectKeep = map[string]string{
	"/":                                   "/",
	"/products":                           "/products",
	"/products?page=2":                    "/products?page=2",
	"/products/12":                        "/products/12",
	"/products/new":                       "/products/new",
	"/account":                            "/account",
	"/view/?param=http://example.com":     "/view/?param=http://example.com",
	"/view/?param=https://example.com":    "/view/?param=https://example.com",
	"/view?param=ftp://example.com":       "/view?param=ftp://example.com",
	"/view/?param=//example.com":          "/view/?param=//example.com",
	"/url%20with%20spaces/":               "/url%20with%20spaces/",
	"/products?q=a%2Fb&sort=new":          "/products?q=a%2Fb&sort=new",
	"/products?q=%E2%82%AC":               "/products?q=%E2%82%AC",
	"/products#reviews":                   "/products",
	"/a/b/../c":                           "/a/b/../c",
	"/" + strings.Repeat("a", 2047):       "/" + strings.Repeat("a", 2047),
	"/products?next=https://evil.example": "/products?next=https://evil.example",
}

func TestSafeLocalPathRefusesAttacks(t *testing.T) {
	refused := 0
	for _, raw := range redirectAttacks {
		if out, ok := models.SafeLocalPath(raw); ok {
			t.Errorf("SafeLocalPath(%q) = %q, true; want refused", raw, out)
			assertStaysHome(t, raw, out)
			continue
		}
		refused++
	}
	t.Logf("%d of %d redirect payloads refused", refused, len(redirectAttacks))
}

func TestSafeLocalPathKeepsLocalPages(t *testing.T) {
	for raw, want := range redirectKeep {
		out, ok := models.SafeLocalPath(raw)
		if !ok || out != want {
			t.Errorf("SafeLocalPath(%.80q) = %.80q, %v; want %.80q, true", raw, out, ok, want)
			continue
		}
		assertStaysHome(t, raw, out)
	}
}
