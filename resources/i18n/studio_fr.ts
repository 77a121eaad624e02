<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <location filename="../../studio/ui/help.py" line="+62"/>
        <source>Assemble, check, render and publish premium video collections.</source>
        <translation>Assemblez, vérifiez, rendez et publiez des collections vidéo premium.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Licences:</source>
        <translation>Licences&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>and the bundled ffmpeg program, with x264</source>
        <translation>et le programme ffmpeg fourni, avec x264</translation>
    </message>
</context>
<context>
    <name>ArchiveImportDialog</name>
    <message>
        <location filename="../../studio/ui/archive_dialog.py" line="+55"/>
        <source>Import an archive</source>
        <translation>Importer une archive</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reading the archive…</source>
        <translation>Lecture de l’archive…</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+20"/>
        <source>Playlist</source>
        <translation>Playlist</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Length</source>
        <translation>Durée</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Note</source>
        <translation>Remarque</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Videos in the archive</source>
        <translation>Vidéos de l’archive</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Import</source>
        <translation>Importer</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Reading the archive</source>
        <translation>Lecture de l’archive</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Every video</source>
        <translation>Toutes les vidéos</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>1 video ready to import</source>
        <translation>Vidéo prête à importer&#xa0;: 1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} videos ready to import</source>
        <translation>Vidéos prêtes à importer&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 needs attention.</source>
        <translation>à vérifier&#xa0;: 1.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} need attention.</source>
        <translation>à vérifier&#xa0;: {0}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Where a file fits several videos, choose which one it is in its row.</source>
        <translation>Quand un fichier correspond à plusieurs vidéos, choisissez laquelle c’est dans sa ligne.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} photos are skipped.</source>
        <translation>Photos ignorées&#xa0;: {0}.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Video</source>
        <translation>Vidéo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Post</source>
        <translation>Publication</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reel</source>
        <translation>Reel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Story</source>
        <translation>Story</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>IGTV</source>
        <translation>IGTV</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Archived post</source>
        <translation>Publication archivée</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Which video is it?</source>
        <translation>De quelle vidéo s’agit-il&#xa0;?</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Which video {0} is</source>
        <translation>Quelle vidéo est {0}</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Importing the archive</source>
        <translation>Import de l’archive</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Archive imported: {0} added, {1} skipped, {2} failed.</source>
        <translation>Archive importée&#xa0;: {0} ajoutées, {1} ignorées, {2} en échec.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Added as episode {0}.</source>
        <translation>Ajoutée comme épisode {0}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Added.</source>
        <translation>Ajoutée.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{0} added, {1} already in the library.</source>
        <translation>Ajoutées&#xa0;: {0}, déjà dans la bibliothèque&#xa0;: {1}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>1 video was not added: {0}</source>
        <translation>1 vidéo n’a pas été ajoutée&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} videos were not added: {1}</source>
        <translation>{0} vidéos n’ont pas été ajoutées&#xa0;: {1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 video was not added; its row says why.</source>
        <translation>1 vidéo n’a pas été ajoutée&#xa0;; sa ligne dit pourquoi.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} videos were not added; their rows say why.</source>
        <translation>{0} vidéos n’ont pas été ajoutées&#xa0;; leurs lignes disent pourquoi.</translation>
    </message>
</context>
<context>
    <name>ChecksPanel</name>
    <message>
        <location filename="../../studio/ui/checks_panel.py" line="+18"/>
        <source>Publishing status</source>
        <translation>État de publication</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Episode</source>
        <translation>Épisode</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How to fix</source>
        <translation>Comment corriger</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Problems</source>
        <translation>Problèmes</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Ready to publish</source>
        <translation>Prêt à publier</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ready to publish (1 warning)</source>
        <translation>Prêt à publier (1 avertissement)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ready to publish ({0} warnings)</source>
        <translation>Prêt à publier ({0} avertissements)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 problem to fix</source>
        <translation>1 problème à corriger</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} problems to fix</source>
        <translation>{0} problèmes à corriger</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 warning</source>
        <translation>1 avertissement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} warnings</source>
        <translation>{0} avertissements</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Open or create a collection to check it.</source>
        <translation>Ouvrez ou créez une collection pour la vérifier.</translation>
    </message>
    <message>
        <location line="-35"/>
        <location line="+41"/>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <location line="-41"/>
        <location line="+41"/>
        <source>Warning</source>
        <translation>Avertissement</translation>
    </message>
</context>
<context>
    <name>CollectionInspector</name>
    <message>
        <location filename="../../studio/ui/inspector.py" line="+69"/>
        <source>Collection</source>
        <translation>Collection</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Collection title</source>
        <translation>Titre de la collection</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+30"/>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>What buyers get, in a few lines</source>
        <translation>Ce que les acheteurs obtiennent, en quelques lignes</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+27"/>
        <source>Price</source>
        <translation>Prix</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>e.g. 4.99</source>
        <translation>ex.&#xa0;: 4,99</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Currency</source>
        <translation>Devise</translation>
    </message>
    <message>
        <source>Use the frame at the playhead</source>
        <translation type="vanished">Utiliser l’image à la tête de lecture</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>For a frame of an episode: select the episode, put the playhead on the frame and click “Use this frame as the cover”.</source>
        <translation>Pour une image d’un épisode&#xa0;: sélectionnez l’épisode, placez la tête de lecture sur l’image et cliquez sur «&#xa0;Utiliser cette image comme couverture&#xa0;».</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose an image…</source>
        <translation>Choisir une image…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Suggest covers…</source>
        <translation>Suggérer des couvertures…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cover</source>
        <translation>Couverture</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>From {0} to {1}</source>
        <translation>De {0} à {1}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No cover chosen yet.</source>
        <translation>Aucune couverture choisie pour l’instant.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Image: {0}</source>
        <translation>Image&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A frame at {0}</source>
        <translation>Image à {0}</translation>
    </message>
</context>
<context>
    <name>CoverSuggestions</name>
    <message>
        <location filename="../../studio/ui/cover_dialog.py" line="+25"/>
        <location line="+7"/>
        <source>Suggested covers</source>
        <translation>Couvertures suggérées</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Looking for sharp, well-lit frames with faces…</source>
        <translation>Recherche d’images nettes, bien éclairées et avec des visages…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Suggesting covers</source>
        <translation>Suggestion de couvertures</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Click the one you like.</source>
        <translation>Cliquez sur celle qui vous plaît.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Episode {0} at {1}</source>
        <translation>Épisode {0} à {1}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Score {0}</source>
        <translation>Score {0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Change the cover</source>
        <translation>le changement de couverture</translation>
    </message>
</context>
<context>
    <name>EpisodeInspector</name>
    <message>
        <location filename="../../studio/ui/inspector.py" line="+74"/>
        <source>Episode title</source>
        <translation>Titre de l’épisode</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>In point</source>
        <translation>Point d’entrée</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In point (I sets it at the playhead)</source>
        <translation>Point d’entrée (I le place à la tête de lecture)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Out point</source>
        <translation>Point de sortie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Out point (O sets it at the playhead)</source>
        <translation>Point de sortie (O le place à la tête de lecture)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Free preview</source>
        <translation>Aperçu gratuit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Buyers-to-be can watch this episode for free</source>
        <translation>Les futurs acheteurs peuvent regarder cet épisode gratuitement</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Source file</source>
        <translation>Fichier source</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The file at this path holds a new version (exported again?). Use it to keep this episode&apos;s title, place and trim; a trim past its new end is cut to fit.</source>
        <translation>Le fichier à cet emplacement contient une nouvelle version (exportée de nouveau&#xa0;?). Utilisez-la en gardant le titre, la place et la découpe de cet épisode&#xa0;; une découpe qui dépasse sa nouvelle fin est raccourcie.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use the new version</source>
        <translation>Utiliser la nouvelle version</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Every episode cut from this file switches to the new version</source>
        <translation>Tous les épisodes tirés de ce fichier passent à la nouvelle version</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+71"/>
        <source>Find the missing file…</source>
        <translation>Retrouver le fichier manquant…</translation>
    </message>
    <message>
        <location line="-70"/>
        <source>Use this frame as the cover</source>
        <translation>Utiliser cette image comme couverture</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The frame at the playhead becomes the collection&apos;s cover</source>
        <translation>L’image sous la tête de lecture devient la couverture de la collection</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In</source>
        <translation>Entrée</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Out</source>
        <translation>Sortie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Length</source>
        <translation>Durée</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Episode {0}</source>
        <translation>Épisode {0}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Find the old version elsewhere…</source>
        <translation>Retrouver l’ancienne version ailleurs…</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Unknown media</source>
        <translation>Média inconnu</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>CHANGED: {0} is not the version this episode was cut from</source>
        <translation>MODIFIÉ&#xa0;: {0} n’est plus la version d’où cet épisode a été tiré</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>MISSING: {0}</source>
        <translation>INTROUVABLE&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} fps</source>
        <translation>{0} i/s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (variable)</source>
        <translation> (variable)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rotated {0}°</source>
        <translation>Pivoté de {0}°</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sound: {0}, {1} Hz, {2} ch</source>
        <translation>Son&#xa0;: {0}, {1} Hz, {2} can.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No sound</source>
        <translation>Pas de son</translation>
    </message>
    <message>
        <source>{0}, {1} MB</source>
        <translation type="vanished">{0}, {1} Mo</translation>
    </message>
</context>
<context>
    <name>EpisodeList</name>
    <message>
        <location filename="../../studio/ui/episode_list.py" line="+261"/>
        <source>Episodes</source>
        <translation>Épisodes</translation>
    </message>
</context>
<context>
    <name>EpisodeModel</name>
    <message>
        <location line="-162"/>
        <source>(untitled)</source>
        <translation>(sans titre)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The media file was replaced by a new version: select the episode and choose Use the new version in the inspector.</source>
        <translation>Le fichier média a été remplacé par une nouvelle version&#xa0;: sélectionnez l’épisode et choisissez Utiliser la nouvelle version dans l’inspecteur.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The media file is missing: relink it.</source>
        <translation>Le fichier média est introuvable&#xa0;: reconnectez-le.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0}: {1}</source>
        <translation>{0}&#xa0;: {1}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Episode {0}: {1}, {2}</source>
        <translation>Épisode {0}&#xa0;: {1}, {2}</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>free preview</source>
        <translation>aperçu gratuit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>new version on disk</source>
        <translation>nouvelle version sur le disque</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>file missing</source>
        <translation>fichier introuvable</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../studio/ui/export_dialog.py" line="+47"/>
        <source>Export &apos;{0}&apos;</source>
        <translation>Exporter «&#xa0;{0}&#xa0;»</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export folder</source>
        <translation>Dossier d’export</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reframe landscape clips</source>
        <translation>Recadrer en 9:16 les clips horizontaux</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Normalise loudness to</source>
        <translation>Normaliser le volume à</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Loudness target</source>
        <translation>Volume cible (LUFS)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re-encode everything (slow; for picky players)</source>
        <translation>Tout réencoder (lent&#xa0;; pour les lecteurs exigeants)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Landscape clips</source>
        <translation>Recadrage 9:16</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sound</source>
        <translation>Son</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>#</source>
        <translation>N°</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Episode</source>
        <translation>Épisode</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Plan</source>
        <translation>Traitement</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why</source>
        <translation>Pourquoi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Export plan</source>
        <translation>Plan d’export</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Overall progress</source>
        <translation>Progression globale</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Preview the cut</source>
        <translation>Prévisualiser la coupe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Render the first and last two seconds of the selected episode exactly as the export will, and play them</source>
        <translation>Rendre les deux premières et les deux dernières secondes de l’épisode sélectionné exactement comme l’export le fera, puis les lire</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show in folder</source>
        <translation>Afficher dans le dossier</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Choose the export folder</source>
        <translation>Choisir le dossier d’export</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Export to</source>
        <translation>Exporter vers</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Planning…</source>
        <translation>Planification…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Planning the export</source>
        <translation>Planification de l’export</translation>
    </message>
    <message>
        <location line="-77"/>
        <location line="+88"/>
        <source>Copy</source>
        <translation>Copie directe</translation>
    </message>
    <message>
        <location line="-88"/>
        <location line="+88"/>
        <source>Smart cut</source>
        <translation>Coupe intelligente</translation>
    </message>
    <message>
        <location line="-88"/>
        <location line="+89"/>
        <source>Re-encode</source>
        <translation>Réencodage</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>about {0} s</source>
        <translation>environ {0} s</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Estimated time: {0}</source>
        <translation>Durée estimée&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0:.0f} min</source>
        <translation>{0:.0f} min</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0:.0f} s</source>
        <translation>{0:.0f} s</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This episode could not be rendered: see below why.</source>
        <translation>Cet épisode n’a pas pu être rendu&#xa0;: la raison est donnée en dessous.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Unchanged</source>
        <translation>Inchangé</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Exporting to {0}…</source>
        <translation>Export vers {0}…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Exporting &apos;{0}&apos;</source>
        <extracomment>Must begin with the translation of MainWindow&apos;s &quot;Exporting&quot; (checked on quitting).</extracomment>
        <translation>Export de «&#xa0;{0}&#xa0;»</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Exported: {0} rendered, {1} unchanged, {2} removed.</source>
        <translation>Export terminé. Épisodes rendus&#xa0;: {0}&#xa0;; inchangés&#xa0;: {1}&#xa0;; supprimés&#xa0;: {2}.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Export cancelled. Finished episodes were kept.</source>
        <translation>Export annulé. Les épisodes terminés ont été conservés.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No file manager could be opened here. The kit is in {0}</source>
        <translation>Aucun gestionnaire de fichiers n’a pu être ouvert ici. Le kit se trouve dans {0}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Rendering the preview of episode {0}…</source>
        <translation>Rendu de la prévisualisation de l’épisode {0}…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Previewing a cut</source>
        <translation>Prévisualisation d’une coupe</translation>
    </message>
</context>
<context>
    <name>FileDialogs</name>
    <message>
        <location filename="../../studio/ui/file_dialogs.py" line="+44"/>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} file</source>
        <translation>Fichier {0}</translation>
    </message>
</context>
<context>
    <name>ImportProblemsPanel</name>
    <message>
        <location filename="../../studio/ui/import_panel.py" line="+21"/>
        <location line="+61"/>
        <source>No import problems.</source>
        <translation>Aucun problème d’import.</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>Clear</source>
        <translation>Effacer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forget these import problems</source>
        <translation>Oublier ces problèmes d’import</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why it was not added</source>
        <translation>Pourquoi il n’a pas été ajouté</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import problems</source>
        <translation>Problèmes d’import</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>1 file</source>
        <translation>1 fichier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} files</source>
        <translation>{0} fichiers</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 file was not added:</source>
        <translation>Fichier non ajouté&#xa0;: 1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} files were not added:</source>
        <translation>Fichiers non ajoutés&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <location filename="../../studio/ui/inspector.py" line="+101"/>
        <source>Open or create a collection to start.</source>
        <translation>Ouvrez ou créez une collection pour commencer.</translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message>
        <location filename="../../studio/ui/library_panel.py" line="+31"/>
        <location line="+2"/>
        <source>Search collections</source>
        <translation>Rechercher une collection</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Collections</source>
        <translation>Collections</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New</source>
        <translation>Nouvelle</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New collection (Ctrl+N)</source>
        <translation>Nouvelle collection (Ctrl+N)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Duplicate</source>
        <translation>Dupliquer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicate the selected collection</source>
        <translation>Dupliquer la collection sélectionnée</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the selected collection</source>
        <translation>Supprimer la collection sélectionnée</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>1 episode · {0}</source>
        <translation>Épisode&#xa0;: 1 · {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} episodes · {1}</source>
        <translation>Épisodes&#xa0;: {0} · {1}</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>New collection</source>
        <translation>Nouvelle collection</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Title:</source>
        <translation>Titre&#xa0;:</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Delete collection</source>
        <translation>Supprimer la collection</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete &apos;{0}&apos; and its episode? The video file stays on disk. This cannot be undone.</source>
        <translation>Supprimer «&#xa0;{0}&#xa0;» et son épisode&#xa0;? Le fichier vidéo reste sur le disque. Cette action est irréversible.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete &apos;{0}&apos; and its {1} episodes? The video files stay on disk. This cannot be undone.</source>
        <translation>Supprimer «&#xa0;{0}&#xa0;» et ses épisodes ({1})&#xa0;? Les fichiers vidéo restent sur le disque. Cette action est irréversible.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../studio/ui/main_window.py" line="+73"/>
        <source>Publishing status</source>
        <translation>État de publication</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Library</source>
        <translation>Bibliothèque</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Inspector</source>
        <translation>Inspecteur</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+2"/>
        <source>Checks</source>
        <translation>Vérifications</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Import problems</source>
        <translation>Problèmes d’import</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Read-only</source>
        <translation>Lecture seule</translation>
    </message>
    <message>
        <location line="+49"/>
        <location filename="../../studio/ui/selftest_window.py" line="+111"/>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;New collection…</source>
        <translation>&amp;Nouvelle collection…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Import clips…</source>
        <translation>&amp;Importer des clips…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import a &amp;folder…</source>
        <translation>Importer un &amp;dossier…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import an &amp;archive…</source>
        <translation>Importer une &amp;archive…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import a YouTube Takeout or an Instagram export</source>
        <translation>Importer un Takeout YouTube ou un export Instagram</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Export…</source>
        <translation>&amp;Exporter…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Publish…</source>
        <translation>&amp;Publier…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Upload the collection to a platform</source>
        <translation>Envoyer la collection sur une plateforme</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Edit</source>
        <translation>&amp;Édition</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Undo</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Redo</source>
        <translation>&amp;Rétablir</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Remove episodes</source>
        <translation>Re&amp;tirer les épisodes</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Playback</source>
        <translation>&amp;Lecture</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Play / pause</source>
        <translation>Lecture / pause</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play backwards</source>
        <translation>Lecture arrière</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play forwards</source>
        <translation>Lecture avant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous frame</source>
        <translation>Image précédente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next frame</source>
        <translation>Image suivante</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back one second</source>
        <translation>Reculer d’une seconde</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forward one second</source>
        <translation>Avancer d’une seconde</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Go to start</source>
        <translation>Aller au début</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to end</source>
        <translation>Aller à la fin</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Set in point</source>
        <translation>Placer le point d’entrée</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set out point</source>
        <translation>Placer le point de sortie</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Go to in point</source>
        <translation>Aller au point d’entrée</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to out point</source>
        <translation>Aller au point de sortie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play the trimmed range</source>
        <translation>Lire de l’entrée à la sortie</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Use this frame as the cover</source>
        <translation>Utiliser cette image comme couverture</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Zoom timeline in</source>
        <translation>Zoom avant sur la timeline</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom timeline out</source>
        <translation>Zoom arrière sur la timeline</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fit the timeline</source>
        <translation>Ajuster la timeline à la fenêtre</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>Aid&amp;e</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About Series Studio</source>
        <translation>À &amp;propos de Series Studio</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>(read-only)</source>
        <translation>(lecture seule)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The library is read-only: {0}</source>
        <translation>La bibliothèque est en lecture seule&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+114"/>
        <source>This episode&apos;s media is unknown.</source>
        <translation>Le média de cet épisode est inconnu.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>File changed: {0} is not the version this episode was cut from.</source>
        <translation>Fichier modifié&#xa0;: {0} n’est pas la version dans laquelle cet épisode a été coupé.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use the new version, or find the old one, in the Inspector.</source>
        <translation>Utilisez la nouvelle version, ou retrouvez l’ancienne, dans l’inspecteur.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File missing: {0}</source>
        <translation>Fichier manquant&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find it with “Find the missing file…” in the Inspector.</source>
        <translation>Retrouvez-le avec «&#xa0;Retrouver le fichier manquant…&#xa0;» dans l’inspecteur.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This episode&apos;s clip is not in the player.</source>
        <translation>Le clip de cet épisode n’est pas dans le lecteur.</translation>
    </message>
    <message>
        <location line="+106"/>
        <source>Open or create a collection first.</source>
        <translation>Ouvrez ou créez d’abord une collection.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Import clips</source>
        <translation>Importer des clips</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Videos ({0})</source>
        <translation>Vidéos ({0})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import a folder</source>
        <translation>Importer un dossier</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Import an archive</source>
        <translation>Importer une archive</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Archives (*.zip);;All files (*)</source>
        <translation>Archives (*.zip);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Or choose the unpacked archive&apos;s folder</source>
        <translation>Ou choisissez le dossier de l’archive décompressée</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Imported 1 clip.</source>
        <translation>Clip importé&#xa0;: 1.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Imported {0} clips.</source>
        <translation>Clips importés&#xa0;: {0}.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 file was not added: see Import problems.</source>
        <translation>Fichier non ajouté&#xa0;: 1 (voir Problèmes d’import).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} files were not added: see Import problems.</source>
        <translation>Fichiers non ajoutés&#xa0;: {0} (voir Problèmes d’import).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Change the cover</source>
        <translation>le changement de couverture</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Select an episode and put the playhead on the frame.</source>
        <translation>Sélectionnez un épisode et placez la tête de lecture sur l’image voulue.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The cover is now the frame at {0} of episode {1}.</source>
        <translation>La couverture est désormais l’image à {0} de l’épisode {1}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cover image</source>
        <translation>Image de couverture</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Images (*.jpg *.jpeg *.png *.webp)</source>
        <translation>Images (*.jpg *.jpeg *.png *.webp)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Where are the files now?</source>
        <translation>Où se trouvent les fichiers maintenant&#xa0;?</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Found 1 file</source>
        <translation>Fichier retrouvé&#xa0;: 1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Found {0} files</source>
        <translation>Fichiers retrouvés&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} still missing.</source>
        <translation>toujours introuvables&#xa0;: {0}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Looking for missing files</source>
        <translation>Recherche des fichiers manquants</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>A publish of this collection was interrupted: File &gt; Publish resumes it.</source>
        <translation>La publication de cette collection a été interrompue&#xa0;: Fichier &gt; Publier la reprend.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Changed here since the last publish to &apos;{0}&apos;: {1}. File &gt; Publish sends the changes.</source>
        <translation>Modifié ici depuis la dernière publication vers «&#xa0;{0}&#xa0;»&#xa0;: {1}. Fichier &gt; Publier envoie les changements.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>About Series Studio</source>
        <translation>À propos de Series Studio</translation>
    </message>
    <message>
        <location line="+54"/>
        <location line="+11"/>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Episodes are being uploaded. Pause the upload and quit? The next Publish resumes where it stopped.</source>
        <translation>Des épisodes sont en cours d’envoi. Mettre l’envoi en pause et quitter&#xa0;? La prochaine publication reprendra où elle s’est arrêtée.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>An export is running. Stop it and quit? Finished episodes are kept.</source>
        <translation>Un export est en cours. L’arrêter et quitter&#xa0;? Les épisodes terminés sont conservés.</translation>
    </message>
</context>
<context>
    <name>MediaLoader</name>
    <message>
        <location filename="../../studio/ui/media_loader.py" line="+57"/>
        <source>Loading posters</source>
        <translation>Chargement des affiches</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Reading keyframes</source>
        <translation>Lecture des images clés</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drawing the waveform</source>
        <translation>Tracé de la forme d’onde</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Making the filmstrip</source>
        <translation>Création de la bande de vignettes</translation>
    </message>
</context>
<context>
    <name>Player</name>
    <message>
        <location filename="../../studio/ui/player.py" line="+94"/>
        <source>No playback: Qt Multimedia could not be loaded ({0}). On Linux, install libpulse0.</source>
        <translation>Lecture impossible&#xa0;: Qt Multimedia n’a pas pu être chargé ({0}). Sous Linux, installez libpulse0.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No playback: Qt Multimedia has no media backend on this system.</source>
        <translation>Lecture impossible&#xa0;: Qt Multimedia n’a pas de moteur multimédia sur ce système.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No playback: Qt Multimedia has no video output on this system.</source>
        <translation>Lecture impossible&#xa0;: Qt Multimedia n’a pas de sortie vidéo sur ce système.</translation>
    </message>
    <message>
        <location line="+124"/>
        <source>The preview failed: {0}</source>
        <translation>L’aperçu a échoué&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>This clip has no picture to show.</source>
        <translation>Ce clip n’a aucune image à afficher.</translation>
    </message>
    <message>
        <location line="+178"/>
        <source>Frame preview without sound: playback with Qt Multimedia is turned off.</source>
        <translation>Aperçu image par image, sans son&#xa0;: la lecture par Qt Multimedia est désactivée.</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>No playback: the application has not started yet.</source>
        <translation>Lecture impossible&#xa0;: l’application n’a pas encore démarré.</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>No sound device found: the preview is silent.</source>
        <translation>Aucun périphérique audio trouvé&#xa0;: l’aperçu est muet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+376"/>
        <source>No clip loaded</source>
        <translation>Aucun clip chargé</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>The preview cannot play this file: {0}</source>
        <translation>L’aperçu ne peut pas lire ce fichier&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+41"/>
        <location line="+17"/>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+67"/>
        <source>Play</source>
        <translation>Lecture</translation>
    </message>
    <message>
        <location line="-67"/>
        <source>Play or pause (Space)</source>
        <translation>Lecture ou pause (Espace)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Previous frame</source>
        <translation>Image précédente</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Previous frame (Left)</source>
        <translation>Image précédente (Gauche)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next frame</source>
        <translation>Image suivante</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Next frame (Right)</source>
        <translation>Image suivante (Droite)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Playhead time and clip length</source>
        <translation>Position de la tête de lecture et durée du clip</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Playhead / clip length (hours:minutes:seconds:frames)</source>
        <translation>Tête de lecture / durée du clip (heures:minutes:secondes:images)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Playback speed</source>
        <translation>Vitesse de lecture</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Playback speed. J plays backwards, K pauses, L plays forwards; press J or L again to go faster (up to 8×).</source>
        <translation>Vitesse de lecture. J lit en arrière, K met en pause, L lit en avant&#xa0;; appuyez de nouveau sur J ou L pour accélérer (jusqu’à 8×).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Frame preview, no sound</source>
        <translation>Aperçu image par image, sans son</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No sound</source>
        <translation>Sans son</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preview mode</source>
        <translation>Mode d’aperçu</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} / {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>--:--:--:-- / --:--:--:--</source>
        <translation>--:--:--:-- / --:--:--:--</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>◀ {0}×</source>
        <translation>◀ {0}×</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{0}×</source>
        <translation>{0}×</translation>
    </message>
</context>
<context>
    <name>PreviewWindow</name>
    <message>
        <location filename="../../studio/ui/preview_window.py" line="+16"/>
        <source>Preview of the cut</source>
        <translation>Prévisualisation de la coupe</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Play the start</source>
        <translation>Lire le début</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play the end</source>
        <translation>Lire la fin</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The first seconds, as exported</source>
        <translation>Les premières secondes, telles qu’exportées</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The last seconds, as exported</source>
        <translation>Les dernières secondes, telles qu’exportées</translation>
    </message>
</context>
<context>
    <name>PublishDialog</name>
    <message>
        <location filename="../../studio/ui/publish_dialog.py" line="+53"/>
        <source>Publish &apos;{0}&apos;</source>
        <translation>Publier «&#xa0;{0}&#xa0;»</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Publishing target</source>
        <translation>Destination de la publication</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a folder target…</source>
        <translation>Ajouter un dossier de destination…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in…</source>
        <translation>Se connecter…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opens your browser to sign in to the platform</source>
        <translation>Ouvre votre navigateur pour vous connecter à la plateforme</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Item</source>
        <translation>Élément</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Speed</source>
        <translation>Débit</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Time left</source>
        <translation>Temps restant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Upload progress</source>
        <translation>Progression de l’envoi</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Publish</source>
        <translation>Publier</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel upload</source>
        <translation>Annuler l’envoi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Target</source>
        <translation>Destination</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Add a target: a folder, or a platform&apos;s address.</source>
        <translation>Ajoutez une destination&#xa0;: un dossier, ou l’adresse d’une plateforme.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Publish sends the collection to {0}.</source>
        <translation>Publier envoie la collection vers {0}.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Target &apos;{0}&apos; already publishes to {1}; publish with &apos;{0}&apos; (now selected), or choose another folder.</source>
        <translation>La destination «&#xa0;{0}&#xa0;» publie déjà dans {1}&#xa0;; publiez avec «&#xa0;{0}&#xa0;» (maintenant sélectionnée), ou choisissez un autre dossier.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Publish into this folder</source>
        <translation>Publier dans ce dossier</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Waiting for the sign-in in your browser…</source>
        <translation>En attente de la connexion dans votre navigateur…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signing in</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in as {0}.</source>
        <translation>Connecté en tant que {0}.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Preparing the files…</source>
        <translation>Préparation des fichiers…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Publishing &apos;{0}&apos;</source>
        <translation>Publication de «&#xa0;{0}&#xa0;»</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>waiting</source>
        <translation>en attente</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>uploading</source>
        <translation>envoi en cours</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>uploaded</source>
        <translation>envoyé</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>registered</source>
        <translation>enregistré</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>preparing</source>
        <translation>préparation</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>registering</source>
        <translation>enregistrement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>processing</source>
        <translation>en traitement</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ready</source>
        <translation>prête</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rejected</source>
        <translation>refusée</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>Collection: {0}</source>
        <translation>Collection&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>damaged</source>
        <translation>endommagée</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>missing</source>
        <translation>manquante</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Published: remote id {0}, status {1}.</source>
        <translation>Publiée&#xa0;: identifiant distant {0}, état {1}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Stopped. What was sent is kept: Publish again to resume.</source>
        <translation>Arrêté. Ce qui a été envoyé est conservé&#xa0;: publiez à nouveau pour reprendre.</translation>
    </message>
</context>
<context>
    <name>RenderChoices</name>
    <message>
        <location filename="../../studio/ui/settings.py" line="+37"/>
        <source>Keep as is</source>
        <translation>Laisser tel quel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Blurred background</source>
        <translation>Fond flouté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Centre crop</source>
        <translation>Recadrage centré</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow faces</source>
        <translation>Suivi des visages</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location line="+68"/>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+66"/>
        <source>Library file</source>
        <translation>Fichier de bibliothèque</translation>
    </message>
    <message>
        <location line="-65"/>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source> MB</source>
        <translation type="vanished"> Mo</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Thumbnail cache size</source>
        <translation>Taille du cache des vignettes</translation>
    </message>
    <message>
        <source>{0} MB used</source>
        <translation type="vanished">{0} Mo utilisés</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+65"/>
        <source>{0} used</source>
        <translation>Espace occupé&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="-64"/>
        <source>Clear cache</source>
        <translation>Vider le cache</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+24"/>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <location line="-22"/>
        <location line="+5"/>
        <source>System</source>
        <translation>Système</translation>
    </message>
    <message>
        <location line="-1"/>
        <location line="+19"/>
        <source>Theme</source>
        <translation>Thème</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Light</source>
        <translation>Clair</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A new library or language takes effect at the next start.</source>
        <translation>Un changement de bibliothèque ou de langue prend effet au prochain démarrage.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Library</source>
        <translation>Bibliothèque</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cache</source>
        <translation>Cache</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+13"/>
        <source>Landscape clips</source>
        <translation>Recadrage 9:16</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Normalise loudness to</source>
        <translation>Normaliser le volume à</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Loudness target</source>
        <translation>Volume cible (LUFS)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Sound</source>
        <translation>Son</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Series Studio library (*.sqlite)</source>
        <translation>Bibliothèque Series Studio (*.sqlite)</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <location filename="../../studio/ui/help.py" line="-46"/>
        <source>Space</source>
        <translation>Espace</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play or pause</source>
        <translation>Lecture ou pause</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play backwards / pause / play forwards (press again for faster)</source>
        <translation>Lecture arrière / pause / lecture avant (appuyez de nouveau pour accélérer)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One frame back / forward</source>
        <translation>Une image en arrière / en avant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shift+← / Shift+→</source>
        <translation>Maj+← / Maj+→</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One second back / forward</source>
        <translation>Une seconde en arrière / en avant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Home / End</source>
        <translation>Début / Fin</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to the start / end of the clip</source>
        <translation>Aller au début / à la fin du clip</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Set the in / out point at the playhead</source>
        <translation>Placer le point d’entrée / de sortie à la tête de lecture</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shift+I / Shift+O</source>
        <translation>Maj+I / Maj+O</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to the in / out point</source>
        <translation>Aller au point d’entrée / de sortie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play the trimmed range</source>
        <translation>Lire de l’entrée à la sortie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import clips</source>
        <translation>Importer des clips</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New collection</source>
        <translation>Nouvelle collection</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ctrl+Z / Ctrl+Shift+Z</source>
        <translation>Ctrl+Z / Ctrl+Maj+Z</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Undo / redo</source>
        <translation>Annuler / rétablir</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>Suppr</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the selected episodes</source>
        <translation>Retirer les épisodes sélectionnés</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ctrl+Wheel, + / -</source>
        <translation>Ctrl+molette, + / -</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom the timeline</source>
        <translation>Zoomer dans la timeline</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This sheet</source>
        <translation>Cet aide-mémoire</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location line="+7"/>
        <location line="+4"/>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
</context>
<context>
    <name>StudioController</name>
    <message>
        <location filename="../../studio/ui/commands.py" line="+59"/>
        <source>Trim episode {0} to {1}–{2}</source>
        <translation>la découpe de l’épisode {0} ({1}–{2})</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>Reorder episodes</source>
        <translation>la réorganisation des épisodes</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Remove {0} episodes</source>
        <translation>le retrait de {0} épisodes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove episode &apos;{0}&apos;</source>
        <translation>le retrait de l’épisode «&#xa0;{0}&#xa0;»</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Use the new version of &apos;{0}&apos;</source>
        <translation>Utiliser la nouvelle version de «&#xa0;{0}&#xa0;»</translation>
    </message>
    <message>
        <location filename="../../studio/ui/controller.py" line="+89"/>
        <source>Untitled collection</source>
        <translation>Collection sans titre</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{0} (copy)</source>
        <translation>{0} (copie)</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>The in point must come before the out point.</source>
        <translation>Le point d’entrée doit précéder le point de sortie.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Rename episode {0}</source>
        <translation>le renommage de l’épisode {0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Change free preview</source>
        <translation>la modification de l’aperçu gratuit</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Edit collection</source>
        <translation>la modification de la collection</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>Checking the files</source>
        <translation>Vérification des fichiers</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Reading the new version of {0}</source>
        <translation>Lecture de la nouvelle version de {0}</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Importing clips</source>
        <translation>Import des clips</translation>
    </message>
</context>
<context>
    <name>SyncBadges</name>
    <message>
        <location filename="../../studio/ui/sync_badges.py" line="+83"/>
        <source>Reading the last publish</source>
        <translation>Lecture de la dernière publication</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>not published yet</source>
        <translation>pas encore publié</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0}, changed here</source>
        <translation>{0}, modifié ici</translation>
    </message>
</context>
<context>
    <name>TaskIndicator</name>
    <message>
        <location filename="../../studio/ui/task_view.py" line="+62"/>
        <source>Background tasks</source>
        <translation>Tâches en arrière-plan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Background tasks: click to see them and cancel</source>
        <translation>Tâches en arrière-plan&#xa0;: cliquez pour les voir et les annuler</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>{0} tasks — {1}</source>
        <translation>{0} tâches — {1}</translation>
    </message>
</context>
<context>
    <name>TrimTimeline</name>
    <message>
        <location filename="../../studio/ui/timeline.py" line="+82"/>
        <source>Trim timeline</source>
        <translation>Timeline de découpe</translation>
    </message>
    <message>
        <location line="+263"/>
        <source>In {0}, out {1}</source>
        <translation>Entrée {0}, sortie {1}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{0} (frame {1})</source>
        <translation>{0} (image {1})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>In point: {0}</source>
        <translation>Point d’entrée&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On a keyframe: the start is copied without re-encoding.</source>
        <translation>Sur une image clé&#xa0;: le début est copié sans réencodage.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Between keyframes: a smart cut re-encodes the frames up to the next keyframe.</source>
        <translation>Entre deux images clés&#xa0;: la coupe intelligente réencode les images jusqu’à l’image clé suivante.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drag to trim. I: set at the playhead, Shift+I: go to the in point.</source>
        <translation>Faites glisser pour découper. I&#xa0;: placer à la tête de lecture, Maj+I&#xa0;: aller au point d’entrée.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Out point: {0}, the first frame left out</source>
        <translation>Point de sortie&#xa0;: {0}, première image exclue</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On a keyframe: the end needs no re-encoding.</source>
        <translation>Sur une image clé&#xa0;: la fin ne demande aucun réencodage.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Between keyframes: a smart cut re-encodes the frames from the previous keyframe.</source>
        <translation>Entre deux images clés&#xa0;: la coupe intelligente réencode les images depuis l’image clé précédente.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drag to trim. O: set after the frame under the playhead, Shift+O: go to the last frame kept.</source>
        <translation>Faites glisser pour découper. O&#xa0;: placer après l’image sous la tête de lecture, Maj+O&#xa0;: aller à la dernière image conservée.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{0}
Click or drag to move the playhead. Left/Right: one frame, Shift+Left/Right: one second, Home/End: start/end.
Ctrl+wheel or +/-: zoom; wheel: scroll when zoomed.</source>
        <translation>{0}
Cliquez ou faites glisser pour déplacer la tête de lecture. Gauche/Droite&#xa0;: une image, Maj+Gauche/Droite&#xa0;: une seconde, Début/Fin&#xa0;: aller au début/à la fin.
Ctrl+molette ou +/-&#xa0;: zoom&#xa0;; molette&#xa0;: défilement une fois zoomé.</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>No clip to trim</source>
        <translation>Aucun clip à découper</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>{0}f</source>
        <translation>{0}i</translation>
    </message>
</context>
<context>
    <name>_TaskRow</name>
    <message>
        <location filename="../../studio/ui/task_view.py" line="-82"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel {0}</source>
        <translation>Annuler&#xa0;: {0}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
</context>
</TS>
