"""Where the pair stages run: this process (local) or Apache Spark, behind one interface."""
