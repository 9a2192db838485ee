"""xiaobao (消保): the Liaoning insurance consumer-protection commitment as software."""
