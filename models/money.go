package models

import (
	"strings"
)

// DefaultCurrency is the shop's currency when CURRENCY is not set.
const DefaultCurrency = "USD"

// Prices are stored in hundredths ("cents") of the shop's currency, and the
// payment provider is told amounts in the currency's smallest unit. The two agree
// only for currencies with two decimals, so the others are refused (Stripe's
// lists of zero- and three-decimal currencies).
var nonTwoDecimalCurrencies = map[string]bool{
	"BIF": true, "CLP": true, "DJF": true, "GNF": true, "JPY": true, "KMF": true, "KRW": true, "MGA": true,
	"PYG": true, "RWF": true, "UGX": true, "VND": true, "VUV": true, "XAF": true, "XOF": true, "XPF": true,
	"BHD": true, "JOD": true, "KWD": true, "OMR": true, "TND": true,
}

// ParseCurrency reads CURRENCY: a three-letter ISO 4217 code with two decimals,
// in any case, returned in upper case; msg says what is wrong otherwise.
func ParseCurrency(s string) (code, msg string) {
	code = strings.ToUpper(strings.TrimSpace(s))
	if len(code) != 3 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", "must be a three-letter currency code such as USD or EUR"
	}
	if nonTwoDecimalCurrencies[code] {
		return "", "must be a currency with two decimals (prices are kept in hundredths)"
	}
	return code, ""
}

// currencySymbols are the symbols shown before an amount; other currencies
// show their code ("CHF 12.00").
var currencySymbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}

// CurrencySymbol is what goes before an amount in currency: its symbol, or
// its code for currencies without one here.
func CurrencySymbol(currency string) string {
	if sym, ok := currencySymbols[currency]; ok {
		return sym
	}
	return currency
}

// FormatMoney renders an amount for display: "$1,299.00", "€12.50", "CHF 3.00".
func FormatMoney(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	if sym, ok := currencySymbols[currency]; ok {
		return sign + sym + FormatPrice(cents)
	}
	return sign + currency + " " + FormatPrice(cents)
}
