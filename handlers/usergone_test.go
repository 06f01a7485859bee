package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"
)

// deleteUserBefore deletes a user the moment the app runs a query matching
// match: the account vanishes in the middle of a request, after the session
// check has passed.
type deleteUserBefore struct {
	db     *bun.DB
	match  string
	email  string
	fired  atomic.Bool
	failed atomic.Value
}

func (h *deleteUserBefore) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if strings.Contains(e.Query, h.match) && h.fired.CompareAndSwap(false, true) {
		if _, err := h.db.ExecContext(ctx, `DELETE FROM users WHERE email = ?`, h.email); err != nil {
			h.failed.Store(err)
		}
	}
	return ctx
}

func (h *deleteUserBefore) AfterQuery(context.Context, *bun.QueryEvent) {}

// Issue 8, item 8, the race: an account deleted after a request's session check
// turns the page into "signed out" (303 to log in, sessions ended), never a 404
// on /account or a 500 from the product's foreign key.
func TestUserDeletedMidRequestIsSignedOut(t *testing.T) {
	for _, tc := range []struct {
		name, match, method, path string
	}{
		{"account page", `SELECT "u"."id", "u"."email"`, http.MethodGet, "/account"},
		{"product create", `INSERT INTO "products"`, http.MethodPost, "/products"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t)
			c, email := s.signedIn()
			other := s.client()
			other.cookies = map[string]string{"__Host-sid": c.sid()}
			// The account page is cached per dashboard version (signedIn
			// showed it): a new version makes this request build it again,
			// loading the user.
			if _, err := s.db.NewRaw("UPDATE users SET dashboard_version = dashboard_version + 1 WHERE email = ?", email).Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
			hook := &deleteUserBefore{db: s.db, match: tc.match, email: email}
			s.db.AddQueryHook(hook)

			var form url.Values
			if tc.method == http.MethodPost {
				form = url.Values{"_csrf": {c.csrf}, "name": {"Orphan"}, "price": {"1.00"}}
			}
			r := c.do(tc.method, tc.path, form, nil)
			if err := hook.failed.Load(); err != nil || !hook.fired.Load() {
				t.Fatalf("the user was not deleted mid-request (%v)", err)
			}
			expectRedirect(t, r, http.StatusSeeOther, "/login")
			if c.sid() != "" {
				t.Fatal("the session cookie was not cleared")
			}
			if n := s.redis.Exists(context.Background(), s.prefix+"session:"+other.cookies["__Host-sid"]).Val(); n != 0 {
				t.Fatal("the session of the deleted user is still stored")
			}
			if n, _ := s.db.NewSelect().Table("products").Count(context.Background()); n != 0 {
				t.Fatalf("%d products stored for a deleted user", n)
			}
		})
	}
}
