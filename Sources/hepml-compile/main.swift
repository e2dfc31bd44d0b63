print("hepml-compile")
