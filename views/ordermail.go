package views

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// OrderMails renders the mail of a paid order: the buyer's receipt and each
// seller's "you sold" notice (services.OrderMails). ShopURL is PUBLIC_URL.
type OrderMails struct {
	ShopURL string
}

// orderMail is what both order mails show: a heading, a line of text, the
// order's lines and total, and a link.
type orderMail struct {
	Subject, Heading, Intro string
	Lines                   []models.OrderLine
	Currency                string
	TotalLabel              string
	TotalCents              int64
	ActionLabel, Action     string // Action: absolute URL
}

// Receipt is the buyer's receipt for a paid order, linking to the order's page.
func (m OrderMails) Receipt(ctx context.Context, order models.Order, buyerEmail string) (models.Email, error) {
	id := strconv.FormatInt(order.ID, 10)
	return m.render(ctx, buyerEmail, orderMail{
		Subject: "Your receipt for order #" + id, Heading: "Thank you for your order",
		Intro: fmt.Sprintf("We received your payment of %s for order #%s on %s.", order.Total(), id, paidDate(order)),
		Lines: order.Lines, Currency: order.Currency, TotalLabel: "Total paid", TotalCents: order.TotalCents,
		ActionLabel: "See your order", Action: paths.Order(order.ID),
	})
}

// Sold tells a seller what they sold in a paid order (their lines only),
// linking to their sales page.
func (m OrderMails) Sold(ctx context.Context, order models.Order, sellerEmail string, lines []models.OrderLine) (models.Email, error) {
	var total int64
	for _, l := range lines {
		total += l.TotalCents()
	}
	id := strconv.FormatInt(order.ID, 10)
	return m.render(ctx, sellerEmail, orderMail{
		Subject: "You sold " + soldWhat(lines) + " (order #" + id + ")", Heading: "You made a sale",
		Intro: fmt.Sprintf("Order #%s was paid on %s. These items are yours to send.", id, paidDate(order)),
		Lines: lines, Currency: order.Currency, TotalLabel: "Your total", TotalCents: total,
		ActionLabel: "See your sales", Action: paths.AccountSales,
	})
}

func (m OrderMails) render(ctx context.Context, to string, om orderMail) (models.Email, error) {
	shop, err := shopURL(m.ShopURL)
	if err != nil {
		return models.Email{}, err
	}
	om.Action = shop + om.Action
	var html bytes.Buffer
	if err := orderEmailHTML(om, shop).Render(ctx, &html); err != nil {
		return models.Email{}, err
	}
	return models.Email{To: to, Subject: om.Subject, Text: orderText(om, shop), HTML: html.String()}, nil
}

// orderText is the text part: the same content as the HTML, one line per item.
func orderText(om orderMail, shop string) string {
	var b strings.Builder
	b.WriteString(om.Heading + "\n\n" + om.Intro + "\n\n")
	for _, l := range om.Lines {
		fmt.Fprintf(&b, "%d × %s%s, %s\n", l.Quantity, l.ProductName, storeSuffix(l), models.FormatMoney(l.TotalCents(), om.Currency))
	}
	fmt.Fprintf(&b, "\n%s: %s\n\n", om.TotalLabel, models.FormatMoney(om.TotalCents, om.Currency))
	b.WriteString(om.ActionLabel + ":\n" + om.Action + "\n\n")
	b.WriteString("-- \nStorefront\n" + shop + "/\n")
	return b.String()
}

func storeSuffix(l models.OrderLine) string {
	if l.StoreName == "" {
		return ""
	}
	return " (" + l.StoreName + ")"
}

// soldWhat names a sale for a subject line: "2 × Teapot" or "3 items".
func soldWhat(lines []models.OrderLine) string {
	if len(lines) == 1 {
		return strconv.Itoa(lines[0].Quantity) + " × " + lines[0].ProductName
	}
	n := 0
	for _, l := range lines {
		n += l.Quantity
	}
	return strconv.Itoa(n) + " items"
}

func paidDate(order models.Order) string {
	if order.PaidAt == nil {
		return order.CreatedAt.UTC().Format("2 January 2006")
	}
	return order.PaidAt.UTC().Format("2 January 2006")
}
