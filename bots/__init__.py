"""Bots that ship with the hub, one package each; found through the `hub.bots` entry-point group."""
