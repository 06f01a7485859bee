package services_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// buyingShop is the buying side on one test database: carts, orders,
// checkout with the demo provider (or another), and jobs that are queued but
// not worked unless a test starts them.
type buyingShop struct {
	t        testing.TB
	ctx      context.Context
	db       *bun.DB
	jobs     *services.Jobs
	carts    *services.Carts
	orders   *services.Orders
	checkout *services.Checkout
	demo     *services.DemoPayments
	seq      int
}

// newBuyingShop builds the shop on d; provider nil is the demo provider.
func newBuyingShop(t testing.TB, d services.DatabaseWithURL, provider func(*services.Orders) services.PaymentProvider, cfg services.CheckoutConfig) *buyingShop {
	t.Helper()
	jobs, err := services.NewJobs(d.DB, services.JobsConfig{DatabaseURL: d.URL, Workers: []services.JobWorker{
		services.ExpireHoldWorker(d.DB, nil),
		services.WorkJob(func(context.Context, services.SendEmailArgs) error { return nil }),
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := jobs.Stop(ctx); err != nil {
			t.Errorf("stop jobs: %v", err)
		}
		jobs.Close()
	})
	s := &buyingShop{t: t, ctx: context.Background(), db: d.DB, jobs: jobs}
	s.carts = services.NewCarts(d.DB, services.CartsConfig{})
	s.orders = services.NewOrders(d.DB, jobs, services.OrdersConfig{Mails: testOrderMails{}})
	s.demo = services.NewDemoPayments(s.orders)
	var p services.PaymentProvider = s.demo
	if provider != nil {
		p = provider(s.orders)
	}
	s.checkout = services.NewCheckout(d.DB, jobs, s.orders, p, cfg)
	return s
}

// user adds an account and returns its id.
func (s *buyingShop) user(name string) int64 {
	s.t.Helper()
	s.seq++
	u := &models.User{Email: fmt.Sprintf("%s-%d@example.com", name, s.seq), PasswordHash: "!", CreatedAt: time.Now().UTC()}
	if _, err := s.db.NewInsert().Model(u).Returning("id").Exec(s.ctx); err != nil {
		s.t.Fatal(err)
	}
	return u.ID
}

// product adds a product; stock < 0 is unlimited.
func (s *buyingShop) product(sellerID int64, name string, priceCents, stock int64) int64 {
	s.t.Helper()
	p := &models.Product{SellerID: sellerID, Name: name, PriceCents: priceCents, CreatedAt: time.Now().UTC()}
	if stock >= 0 {
		p.Stock = &stock
	}
	if _, err := s.db.NewInsert().Model(p).Returning("id").Exec(s.ctx); err != nil {
		s.t.Fatal(err)
	}
	return p.ID
}

// stock returns a product's stock: -1 for unlimited.
func (s *buyingShop) stock(productID int64) int64 {
	s.t.Helper()
	var n *int64
	if err := s.db.NewRaw("SELECT stock FROM products WHERE id = ?", productID).Scan(s.ctx, &n); err != nil {
		s.t.Fatal(err)
	}
	if n == nil {
		return -1
	}
	return *n
}

func (s *buyingShop) exec(query string, args ...any) {
	s.t.Helper()
	if _, err := s.db.NewRaw(query, args...).Exec(s.ctx); err != nil {
		s.t.Fatal(err)
	}
}

func (s *buyingShop) add(buyer, product int64, qty int) {
	s.t.Helper()
	if err := s.carts.AddItem(s.ctx, models.CartOwner{UserID: buyer}, product, qty); err != nil {
		s.t.Fatal(err)
	}
}

// order returns an order as its buyer sees it.
func (s *buyingShop) order(buyer, id int64) *models.Order {
	s.t.Helper()
	o, err := s.orders.OrderForBuyer(s.ctx, buyer, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return o
}

// count runs a COUNT(*) query.
func (s *buyingShop) count(query string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.db.NewRaw(query, args...).Scan(s.ctx, &n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// queuedMails returns the recipients and subjects of the mail jobs queued.
func (s *buyingShop) queuedMails() []string {
	s.t.Helper()
	var args []string
	if err := s.db.NewRaw("SELECT "+s.jobArgsSQL()+" FROM river_job WHERE kind = ? ORDER BY id", services.SendEmailArgs{}.Kind()).Scan(s.ctx, &args); err != nil {
		s.t.Fatal(err)
	}
	return args
}

// jobArgsSQL selects river_job.args as JSON text (SQLite keeps it as JSONB).
func (s *buyingShop) jobArgsSQL() string {
	if services.DialectName(s.db) == "pg" {
		return "args::text"
	}
	return "json(args)"
}

// holdExpiryJobs returns when each order's hold-expiry job is scheduled.
func (s *buyingShop) holdExpiryJobs() map[int64]time.Time {
	s.t.Helper()
	var rows []struct {
		Args        []byte    `bun:"args"`
		ScheduledAt time.Time `bun:"scheduled_at"`
	}
	if err := s.db.NewRaw("SELECT "+s.jobArgsSQL()+" AS args, scheduled_at FROM river_job WHERE kind = ?", services.ExpireHoldArgs{}.Kind()).Scan(s.ctx, &rows); err != nil {
		s.t.Fatal(err)
	}
	out := map[int64]time.Time{}
	for _, r := range rows {
		var args services.ExpireHoldArgs
		if err := json.Unmarshal(r.Args, &args); err != nil {
			s.t.Fatal(err)
		}
		out[args.OrderID] = r.ScheduledAt
	}
	return out
}

// testOrderMails renders order mails plainly: the templates are tested in views.
type testOrderMails struct{}

func (testOrderMails) Receipt(_ context.Context, o models.Order, to string) (models.Email, error) {
	return models.Email{To: to, Subject: "Receipt #" + strconv.FormatInt(o.ID, 10), Text: o.Total(), HTML: "<p>" + o.Total() + "</p>"}, nil
}

func (testOrderMails) Sold(_ context.Context, o models.Order, to string, lines []models.OrderLine) (models.Email, error) {
	return models.Email{To: to, Subject: fmt.Sprintf("Sold %d lines in #%d", len(lines), o.ID), Text: "sold", HTML: "<p>sold</p>"}, nil
}
