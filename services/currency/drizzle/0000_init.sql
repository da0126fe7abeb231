CREATE TABLE "inbox" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" uuid NOT NULL,
	"subject" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"partition" smallint NOT NULL,
	"event_type" text NOT NULL,
	"schema" text NOT NULL,
	"payload" "bytea" NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "quotes" (
	"quote_id" uuid PRIMARY KEY NOT NULL,
	"quote_request_id" uuid NOT NULL,
	"source_currency" text NOT NULL,
	"destination_currency" text NOT NULL,
	"rate" numeric(40, 12) NOT NULL,
	"source_amount" bigint NOT NULL,
	"destination_amount" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_by_transfer_id" uuid,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quotes_quote_request_id_unique" UNIQUE("quote_request_id"),
	CONSTRAINT "quotes_distinct_currencies" CHECK ("quotes"."source_currency" <> "quotes"."destination_currency"),
	CONSTRAINT "quotes_rate_positive" CHECK ("quotes"."rate" > 0),
	CONSTRAINT "quotes_amounts_positive" CHECK ("quotes"."source_amount" > 0 and "quotes"."destination_amount" > 0),
	CONSTRAINT "quotes_used_together" CHECK (("quotes"."used_by_transfer_id" is null) = ("quotes"."used_at" is null))
);
--> statement-breakpoint
CREATE TABLE "rates" (
	"currency" text PRIMARY KEY NOT NULL,
	"rate" numeric(21, 12) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rates_currency_code" CHECK ("rates"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "rates_rate_positive" CHECK ("rates"."rate" > 0),
	CONSTRAINT "rates_reference_is_one" CHECK ("rates"."currency" <> 'USD' or "rates"."rate" = 1)
);
--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("partition","seq") WHERE "outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_published_idx" ON "outbox" USING brin ("published_at") WITH (autosummarize=true);--> statement-breakpoint
CREATE INDEX "quotes_expires_at_idx" ON "quotes" USING btree ("expires_at");
