"""What keeps the inbox door cheap: answers remembered for a few seconds (`door_cache`) and one
write transaction for many accepted activities (`inbox_writer`)."""
