CREATE INDEX `deliveries_delivered_message_idx` ON `deliveries` (`delivered_message_id`);--> statement-breakpoint
CREATE INDEX `outbound_mail_message_id_idx` ON `outbound_mail` (`message_id`);