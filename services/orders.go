package services

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// Orders shows buyers their orders and sellers their sales, and moves orders
// between states (orderstate.go): paid, cancelled, flagged.
type Orders struct {
	db   bun.IDB // the database, or the caller's transaction (WithTx)
	jobs *Jobs
	cfg  OrdersConfig
}

// OrdersConfig configures Orders.
type OrdersConfig struct {
	// Mails renders the receipt and the sold notices queued when an order is paid.
	Mails OrderMails
	Log   *slog.Logger
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// OrderMails renders the mail an order sends when it is paid. Views implement
// it (templ), so services never import views.
type OrderMails interface {
	// Receipt is the buyer's receipt for a paid order.
	Receipt(ctx context.Context, order models.Order, buyerEmail string) (models.Email, error)
	// Sold tells a seller what they sold in the order: lines are theirs only.
	Sold(ctx context.Context, order models.Order, sellerEmail string, lines []models.OrderLine) (models.Email, error)
}

// NewOrders returns the order service; jobs queues the mails of paid orders.
func NewOrders(db *bun.DB, jobs *Jobs, cfg OrdersConfig) *Orders {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Orders{db: db, jobs: jobs, cfg: cfg}
}

// WithTx returns the service working inside tx (see InTx).
func (o *Orders) WithTx(tx bun.Tx) *Orders {
	inTx := *o
	inTx.db = tx
	return &inTx
}

func (o *Orders) now() time.Time { return o.cfg.Now().UTC().Truncate(time.Microsecond) }

// ErrOrderNotFound answers an order that does not exist or is someone else's:
// the two look the same.
var ErrOrderNotFound = models.NotFound("order")

// orderRow is a row of orders.
type orderRow struct {
	bun.BaseModel `bun:"table:orders,alias:o"`

	ID                int64              `bun:"id,pk,autoincrement"`
	BuyerID           sql.NullInt64      `bun:"buyer_id"`
	Status            models.OrderStatus `bun:"status,notnull"`
	TotalCents        int64              `bun:"total_cents,notnull"`
	Currency          string             `bun:"currency,notnull"`
	Provider          string             `bun:"provider,notnull"`
	PaymentRef        string             `bun:"payment_ref,notnull"`
	ProviderSessionID sql.NullString     `bun:"provider_session_id"`
	PaymentURL        sql.NullString     `bun:"payment_url"`
	HoldExpiresAt     time.Time          `bun:"hold_expires_at,notnull"`
	CreatedAt         time.Time          `bun:"created_at,notnull"`
	PaidAt            *time.Time         `bun:"paid_at"`
	CancelledAt       *time.Time         `bun:"cancelled_at"`
	Note              string             `bun:"note,notnull"`
}

// orderLineRow is a row of order_lines.
type orderLineRow struct {
	bun.BaseModel `bun:"table:order_lines,alias:ol"`

	ID             int64         `bun:"id,pk,autoincrement"`
	OrderID        int64         `bun:"order_id,notnull"`
	ProductID      sql.NullInt64 `bun:"product_id"`
	SellerID       sql.NullInt64 `bun:"seller_id"`
	ProductName    string        `bun:"product_name,notnull"`
	StoreName      string        `bun:"store_name,notnull"`
	UnitPriceCents int64         `bun:"unit_price_cents,notnull"`
	Quantity       int           `bun:"quantity,notnull"`
}

func (r orderRow) order(lines []orderLineRow) models.Order {
	o := models.Order{
		ID: r.ID, BuyerID: r.BuyerID.Int64, Status: r.Status, TotalCents: r.TotalCents, Currency: r.Currency,
		Provider: r.Provider, PaymentURL: r.PaymentURL.String, HoldExpiresAt: r.HoldExpiresAt, CreatedAt: r.CreatedAt,
		PaidAt: r.PaidAt, CancelledAt: r.CancelledAt, Note: r.Note,
	}
	for _, l := range lines {
		if l.OrderID == r.ID {
			o.Lines = append(o.Lines, l.line())
		}
	}
	return o
}

func (l orderLineRow) line() models.OrderLine {
	return models.OrderLine{
		ID: l.ID, ProductID: l.ProductID.Int64, SellerID: l.SellerID.Int64, ProductName: l.ProductName,
		StoreName: l.StoreName, UnitPriceCents: l.UnitPriceCents, Quantity: l.Quantity,
	}
}

// loadLines returns the lines of the given orders.
func loadLines(ctx context.Context, db bun.IDB, orderIDs ...int64) ([]orderLineRow, error) {
	if len(orderIDs) == 0 {
		return nil, nil
	}
	var lines []orderLineRow
	err := db.NewSelect().Model(&lines).Where("order_id IN (?)", bun.In(orderIDs)).OrderExpr("order_id, id").Scan(ctx)
	return lines, err
}

// buyerOrdersLimit bounds the orders list; a buyer with more sees the newest.
const buyerOrdersLimit = 200

// OrdersForBuyer returns the buyer's orders with their lines, newest first.
func (o *Orders) OrdersForBuyer(ctx context.Context, buyerID int64) ([]models.Order, error) {
	var rows []orderRow
	err := o.db.NewSelect().Model(&rows).Where("buyer_id = ?", buyerID).
		OrderExpr("created_at DESC, id DESC").Limit(buyerOrdersLimit).Scan(ctx)
	if err != nil {
		return nil, dbError("orders: list for buyer", err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	lines, err := loadLines(ctx, o.db, ids...)
	if err != nil {
		return nil, dbError("orders: list for buyer", err)
	}
	out := make([]models.Order, len(rows))
	for i, r := range rows {
		out[i] = r.order(lines)
	}
	return out, nil
}

// OrderForBuyer returns one of the buyer's orders with its lines; another
// user's order, or none, is ErrOrderNotFound (ENOTFOUND).
func (o *Orders) OrderForBuyer(ctx context.Context, buyerID, orderID int64) (*models.Order, error) {
	var row orderRow
	err := o.db.NewSelect().Model(&row).Where("id = ? AND buyer_id = ?", orderID, buyerID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrOrderNotFound
	}
	if err != nil {
		return nil, dbError("orders: find for buyer", err)
	}
	lines, err := loadLines(ctx, o.db, row.ID)
	if err != nil {
		return nil, dbError("orders: find for buyer", err)
	}
	order := row.order(lines)
	return &order, nil
}

// sellerSalesLimit bounds the lines of the sales page; the totals count all.
const sellerSalesLimit = 500

// saleRow is one paid order line of a seller, with its order's date and buyer.
type saleRow struct {
	OrderID        int64         `bun:"order_id"`
	PaidAt         time.Time     `bun:"paid_at"`
	ProductID      sql.NullInt64 `bun:"product_id"`
	ProductName    string        `bun:"product_name"`
	Quantity       int           `bun:"quantity"`
	UnitPriceCents int64         `bun:"unit_price_cents"`
	Currency       string        `bun:"currency"`
	BuyerEmail     string        `bun:"buyer_email"`
}

// paidSales selects a seller's paid order lines since a date, newest first.
func (o *Orders) paidSales(ctx context.Context, sellerID int64, since time.Time) ([]saleRow, error) {
	q := o.db.NewSelect().TableExpr("order_lines AS ol").Join("JOIN orders AS o ON o.id = ol.order_id").
		Join("LEFT JOIN users AS u ON u.id = o.buyer_id").
		ColumnExpr("ol.order_id, o.paid_at, ol.product_id, ol.product_name, ol.quantity, ol.unit_price_cents, o.currency").
		ColumnExpr("COALESCE(u.email, '') AS buyer_email").
		Where("ol.seller_id = ? AND o.status = ?", sellerID, models.OrderPaid).
		OrderExpr("o.paid_at DESC, ol.order_id DESC, ol.id")
	if !since.IsZero() {
		q = q.Where("o.paid_at >= ?", since.UTC())
	}
	var rows []saleRow
	err := q.Scan(ctx, &rows)
	return rows, err
}

// addAmount adds cents in a currency to a list of per-currency sums.
func addAmount(sums []models.Amount, cents int64, currency string) []models.Amount {
	for i := range sums {
		if sums[i].Currency == currency {
			sums[i].Cents += cents
			return sums
		}
	}
	return append(sums, models.Amount{Cents: cents, Currency: currency})
}

// SalesForSeller returns the seller's paid order lines since the given time
// (the sales page passes 30 days ago), newest first (at most 500 lines), with
// the number of orders, items and the revenue over all of them.
func (o *Orders) SalesForSeller(ctx context.Context, sellerID int64, since time.Time) (*models.Sales, error) {
	rows, err := o.paidSales(ctx, sellerID, since)
	if err != nil {
		return nil, dbError("orders: sales for seller", err)
	}
	sales := &models.Sales{Since: since}
	orders := map[int64]bool{}
	for i, r := range rows {
		amount := r.UnitPriceCents * int64(r.Quantity)
		orders[r.OrderID] = true
		sales.Items += r.Quantity
		sales.Revenue = addAmount(sales.Revenue, amount, r.Currency)
		if i < sellerSalesLimit {
			sales.Lines = append(sales.Lines, models.Sale{
				OrderID: r.OrderID, PaidAt: r.PaidAt, ProductID: r.ProductID.Int64, ProductName: r.ProductName,
				Quantity: r.Quantity, AmountCents: amount, Currency: r.Currency, BuyerEmail: r.BuyerEmail,
			})
		}
	}
	sales.Orders = len(orders)
	return sales, nil
}

// SalesByProduct returns, for each of the seller's products that has sold,
// the items sold and the revenue (all paid orders), best-selling first.
func (o *Orders) SalesByProduct(ctx context.Context, sellerID int64) ([]models.ProductSales, error) {
	var rows []struct {
		ProductID  int64  `bun:"product_id"`
		LastLineID int64  `bun:"last_line_id"`
		Items      int    `bun:"items"`
		Cents      int64  `bun:"cents"`
		Currency   string `bun:"currency"`
	}
	err := o.db.NewSelect().TableExpr("order_lines AS ol").Join("JOIN orders AS o ON o.id = ol.order_id").
		ColumnExpr("ol.product_id, o.currency, MAX(ol.id) AS last_line_id").
		ColumnExpr("SUM(ol.quantity) AS items, SUM(ol.quantity * ol.unit_price_cents) AS cents").
		Where("ol.seller_id = ? AND o.status = ? AND ol.product_id IS NOT NULL", sellerID, models.OrderPaid).
		GroupExpr("ol.product_id, o.currency").Scan(ctx, &rows)
	if err != nil {
		return nil, dbError("orders: sales by product", err)
	}
	// Each product is named as in its newest sale.
	lastLines := make([]int64, len(rows))
	for i, r := range rows {
		lastLines[i] = r.LastLineID
	}
	names := map[int64]string{}
	if len(lastLines) > 0 {
		var named []orderLineRow
		if err := o.db.NewSelect().Model(&named).Column("id", "product_name").Where("id IN (?)", bun.In(lastLines)).Scan(ctx); err != nil {
			return nil, dbError("orders: sales by product", err)
		}
		for _, l := range named {
			names[l.ID] = l.ProductName
		}
	}
	byProduct := map[int64]*models.ProductSales{}
	newest := map[int64]int64{} // product → its newest line id
	var out []*models.ProductSales
	for _, r := range rows {
		ps := byProduct[r.ProductID]
		if ps == nil {
			ps = &models.ProductSales{ProductID: r.ProductID}
			byProduct[r.ProductID] = ps
			out = append(out, ps)
		}
		if r.LastLineID > newest[r.ProductID] {
			newest[r.ProductID] = r.LastLineID
			ps.ProductName = names[r.LastLineID]
		}
		ps.Items += r.Items
		ps.Revenue = addAmount(ps.Revenue, r.Cents, r.Currency)
	}
	slices.SortFunc(out, func(a, b *models.ProductSales) int {
		return cmp.Or(cmp.Compare(b.Items, a.Items), cmp.Compare(a.ProductID, b.ProductID))
	})
	result := make([]models.ProductSales, len(out))
	for i, ps := range out {
		result[i] = *ps
	}
	return result, nil
}
