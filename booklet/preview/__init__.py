"""The live preview behind `booklet serve`: a manuscript's web edition served on 127.0.0.1 and
rebuilt on every save, its open pages following by themselves, the screen PDF made in the
background. `loop.py` watches and rebuilds, `http.py` serves, `pdf.py` makes the PDF; the
command around them (signals, the server's thread) is `booklet.commands.serve`. Nothing here
knows of click."""
