package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"
	fiberredis "github.com/gofiber/storage/redis/v3"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/handlers"
	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// shop is the real app on a fresh PostgreSQL database and a fresh Redis prefix.
type shop struct {
	t        *testing.T
	app      *fiber.App
	db       *bun.DB
	redis    *redis.Client
	prefix   string
	security *services.AccountSecurity
}

type shopOption func(*handlers.Deps)

func newShop(t *testing.T, opts ...shopOption) *shop {
	t.Helper()
	return newShopPaying(t, nil, opts...)
}

// paymentsFor makes a shop's payment provider from its orders: nil is the
// test-mode (demo) provider.
type paymentsFor func(orders *services.Orders) *services.StripePayments

// newShopPaying is newShop with the buying side paying through stripe (nil:
// test mode).
func newShopPaying(t *testing.T, stripe paymentsFor, opts ...shopOption) *shop {
	t.Helper()
	databaseURL := testenv.Postgres(t)
	db, err := services.OpenDB(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := services.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	redisURL, prefix := testenv.Redis(t)
	rdb, err := services.OpenRedis(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	// Tiny argon2 parameters keep the suite fast; the production code path is the same.
	hasher, err := services.NewPasswordHasher(services.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	// Jobs are queued, not worked: tests that need a mailed link issue it through
	// the service, and the black-box tests follow the mail itself.
	var security *services.AccountSecurity
	jobs, err := services.NewJobs(db, services.JobsConfig{DatabaseURL: databaseURL, Workers: []services.JobWorker{
		services.SendEmailWorker(services.NewOutbox(db, slog.New(slog.DiscardHandler))),
		services.WorkJob(func(ctx context.Context, req services.PasswordResetRequest) error {
			return security.WorkPasswordResetRequest(ctx, req)
		}),
		services.ExpireHoldWorker(db, nil),
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(jobs.Close)
	security = services.NewAccountSecurity(db, hasher, jobs, services.AccountSecurityConfig{
		Mails: views.AccountMails{ShopURL: "https://shop.test"},
	})
	bucket, err := services.OpenBlobStore(context.Background(), services.BlobConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	orders := services.NewOrders(db, jobs, services.OrdersConfig{Mails: views.OrderMails{ShopURL: "https://shop.test"}})
	var provider services.PaymentProvider
	var stripePayments *services.StripePayments
	var demo *services.DemoPayments
	if stripe != nil {
		stripePayments = stripe(orders)
		provider = stripePayments
	} else {
		demo = services.NewDemoPayments(orders)
		provider = demo
	}
	deps := handlers.Deps{
		Carts:          services.NewCarts(db, services.CartsConfig{}),
		Orders:         orders,
		Checkout:       services.NewCheckout(db, jobs, orders, provider, services.CheckoutConfig{}),
		StripePayments: stripePayments,
		DemoPayments:   demo,
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		Accounts:       services.NewAccounts(db, hasher),
		Catalog:        services.NewCatalog(db),
		Stores:         services.NewStores(db),
		ProductImages:  services.NewProductImages(db, services.NewImages(1), bucket),
		Sessions: services.NewSessions(services.NewRedisSessionStore(fiberredis.NewFromConnection(rdb), prefix),
			30*time.Minute, 12*time.Hour),
		Throttle:        services.NewThrottle(services.RedisCounter{Client: rdb, Prefix: prefix}, services.DefaultThrottleRules),
		Devices:         services.NewDevices(db),
		AccountSecurity: security,
		Health:          services.NewHealth(db, rdb),
		Assets:          assets.Files(),
		Config:          handlers.Config{CookieSecure: true},
	}
	for _, opt := range opts {
		opt(&deps)
	}
	app, err := handlers.NewApp(deps)
	if err != nil {
		t.Fatal(err)
	}
	return &shop{t: t, app: app, db: db, redis: rdb, prefix: prefix, security: security}
}

// redisKeys counts the keys the app wrote under this shop's prefix.
func (s *shop) redisKeys() int {
	s.t.Helper()
	keys, err := s.redis.Keys(context.Background(), s.prefix+"*").Result()
	if err != nil {
		s.t.Fatal(err)
	}
	return len(keys)
}

// client is a browser-like visitor: it keeps cookies itself (as a browser does
// for __Host- cookies on https) and remembers the CSRF token of the last page.
type client struct {
	shop    *shop
	cookies map[string]string
	csrf    string
	header  http.Header // sent with every request
}

func (s *shop) client() *client {
	return &client{shop: s, cookies: map[string]string{}, header: http.Header{}}
}

type response struct {
	*http.Response
	body string
}

func (r *response) doc(t *testing.T) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (r *response) setCookie(name string) (*http.Cookie, bool) {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c, true
		}
	}
	return nil, false
}

func (c *client) do(method, target string, form url.Values, header http.Header) *response {
	t := c.shop.t
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, "https://shop.test"+target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return c.send(req)
}

// send makes req as this client: its cookies go with it, and the response's
// cookies and CSRF token are kept.
func (c *client) send(req *http.Request) *response {
	t := c.shop.t
	t.Helper()
	for name, value := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	resp, err := c.shop.app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range resp.Cookies() {
		if ck.Value == "" || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) || ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	r := &response{Response: resp, body: string(b)}
	if tok, ok := r.doc(t).Find(`meta[name="csrf-token"]`).Attr("content"); ok {
		c.csrf = tok
	}
	return r
}

func (c *client) get(target string) *response { return c.do(http.MethodGet, target, nil, nil) }

// post submits a form with the client's current CSRF token, as the page's form would.
func (c *client) post(target string, form url.Values) *response {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", c.csrf)
	}
	return c.do(http.MethodPost, target, form, nil)
}

func (c *client) sid() string { return c.cookies["__Host-sid"] }

var emailSeq atomic.Int64

func uniqueEmail() string {
	return fmt.Sprintf("seller%d-%d@example.com", time.Now().UnixNano(), emailSeq.Add(1))
}

const testPassword = "a perfectly fine password"

// signedIn returns a client that signed up (and so is logged in) through the real
// pages, and its email: the authenticated-client helper.
func (s *shop) signedIn() (*client, string) {
	s.t.Helper()
	c := s.client()
	email := uniqueEmail()
	c.get("/signup")
	resp := c.post("/signup", url.Values{"email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("sign-up: status %d\n%s", resp.StatusCode, resp.body)
	}
	c.get("/account") // picks up the signed-in page's CSRF token
	return c, email
}

func expectStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("status %d, want %d; body:\n%.2000s", r.StatusCode, want, r.body)
	}
}

func expectRedirect(t *testing.T, r *response, status int, location string) {
	t.Helper()
	expectStatus(t, r, status)
	if got := r.Header.Get("Location"); got != location {
		t.Fatalf("Location %q, want %q", got, location)
	}
}

// plainResponse is a response read without the test's goroutine (doNoFatal).
type plainResponse struct {
	code int
	body string
}

// doNoFatal sends a request from any goroutine (t.Fatal only works on the
// test's own) with the client's cookies, and keeps no cookie it gets back.
func (c *client) doNoFatal(method, target string, form url.Values) plainResponse {
	req := httptest.NewRequest(method, "https://shop.test"+target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range c.header {
		req.Header[k] = v
	}
	for name, value := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	resp, err := c.shop.app.Test(req, -1)
	if err != nil {
		return plainResponse{code: -1, body: err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return plainResponse{code: resp.StatusCode, body: string(b)}
}
