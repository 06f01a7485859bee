package views

import (
	"context"

	"github.com/storefront/storefront/models"
)

// currencyKey keys the shop's currency in a request's context.
type currencyKey struct{}

// WithCurrency returns ctx in which views show prices in currency (the
// shop's CURRENCY). Handlers set it once per request; catalogue pages cached
// under one request serve others, which is right as the shop has one currency.
func WithCurrency(ctx context.Context, currency string) context.Context {
	return context.WithValue(ctx, currencyKey{}, currency)
}

// currencyOf is the currency prices are shown in (USD when none is set).
func currencyOf(ctx context.Context) string {
	if c, ok := ctx.Value(currencyKey{}).(string); ok && c != "" {
		return c
	}
	return models.DefaultCurrency
}

// price is an amount in the shop's currency, as shown: "$12.50", "€12.50", "CHF 12.50".
func price(ctx context.Context, cents int64) string {
	return models.FormatMoney(cents, currencyOf(ctx))
}

// priceHint is the price field's hint, in the shop's currency.
func priceHint(ctx context.Context) string {
	return "In " + currencyOf(ctx) + ", for example 19.99."
}
