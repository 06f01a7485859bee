package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
)

// getRoutes is the set of paths the router serves for GET, taken from the
// router itself so that a route added later is covered. Only these may be an
// after-login page: "?next=/logout" names a POST-only route, and a page that does
// not exist is no better a place to land.
type getRoutes struct {
	patterns [][]string // each route's path, split into segments
}

func newGetRoutes(routes []fiber.Route) *getRoutes {
	g := &getRoutes{}
	for _, r := range routes {
		if r.Method == http.MethodGet {
			g.patterns = append(g.patterns, segments(r.Path))
		}
	}
	return g
}

// segments splits a path at its slashes, ignoring the leading and a trailing
// one ("/" has none), as Fiber's non-strict routing does.
func segments(path string) []string {
	path = strings.TrimPrefix(path, "/")
	path = strings.TrimSuffix(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// match reports whether a GET route serves path (decoded, without the query).
// Literal segments compare without case, as Fiber's router does by default;
// ":param" takes one non-empty segment, ":param?" zero or one at the end, and
// "*" or "+" the rest of the path.
func (g *getRoutes) match(path string) bool {
	got := segments(path)
	for _, pattern := range g.patterns {
		if matchSegments(pattern, got) {
			return true
		}
	}
	return false
}

func matchSegments(pattern, path []string) bool {
	for i, p := range pattern {
		switch {
		case p == "*" || p == "+":
			return p == "*" || i < len(path)
		case strings.HasPrefix(p, ":") && strings.HasSuffix(p, "?"):
			if i == len(path) {
				return i == len(pattern)-1
			}
			if path[i] == "" {
				return false
			}
		case i == len(path):
			return false
		case strings.HasPrefix(p, ":"):
			if path[i] == "" {
				return false
			}
		case !strings.EqualFold(p, path[i]):
			return false
		}
	}
	return len(pattern) == len(path)
}

// afterLoginPage judges a page to return to after login: a safe local path
// (models.SafeLocalPath, the pure rule) that a GET route of this app serves. It
// is applied when the page is remembered and again when it is used.
func (s *server) afterLoginPage(raw string) (string, bool) {
	path, ok := models.SafeLocalPath(raw)
	if !ok {
		return "", false
	}
	u, err := url.Parse(path)
	if err != nil || !s.getRoutes.match(u.Path) {
		return "", false
	}
	return path, true
}
