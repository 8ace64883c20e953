from gradient_studio.cli import entry

entry()
