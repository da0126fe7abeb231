-- Seed rates: the price of one unit in USD. Operators replace them through UpdateRates.
INSERT INTO "rates" ("currency", "rate") VALUES
	('USD', 1),
	('EUR', 1.085),
	('GBP', 1.265),
	('JPY', 0.0067),
	('CHF', 1.13),
	('CAD', 0.735),
	('AUD', 0.66),
	('NZD', 0.61),
	('SEK', 0.095),
	('NOK', 0.093),
	('DKK', 0.1455),
	('PLN', 0.25),
	('CZK', 0.043),
	('SGD', 0.745),
	('HKD', 0.128),
	('CNY', 0.138),
	('INR', 0.012),
	('KWD', 3.25)
ON CONFLICT ("currency") DO NOTHING;
