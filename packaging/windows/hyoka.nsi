; Per-user NSIS installer (no admin rights): %LOCALAPPDATA%\Programs\hyoka, Start-menu shortcut,
; uninstaller registered in HKCU. The officer's database (%LOCALAPPDATA%\hyoka) is never touched.
; makensis -DSRCDIR=<onedir> -DVERSION=X.Y.Z -DOUTFILE=<setup.exe> -DICON=<hyoka.ico> hyoka.nsi
Unicode true
Target amd64-unicode   ; x64 stub: the app is x64-only (and wine64 without wine32 runs only this stub)
!ifdef FAST   ; test-only relabelled builds: zlib is several times faster to pack
  SetCompressor zlib
!else
  SetCompressor /SOLID lzma
  SetCompressorDictSize 64
!endif
RequestExecutionLevel user
ManifestDPIAware true
!include "MUI2.nsh"
!include "FileFunc.nsh"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\hyoka"
Name "評価シート (hyoka) ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\hyoka"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"   ; HKCU\Software\hyoka holds the app's own settings: never touched
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Japanese"
!insertmacro MUI_LANGUAGE "English"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductName" "評価シート (hyoka)"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileDescription" "評価シート (hyoka) setup"
VIAddVersionKey /LANG=${LANG_JAPANESE} "CompanyName" "hyoka maintainers"
VIAddVersionKey /LANG=${LANG_JAPANESE} "LegalCopyright" "hyoka maintainers"

Section "hyoka" SecMain
  SetOutPath "$INSTDIR"
  ; an upgrade replaces the program tree, never merges into it (the database is elsewhere)
  RMDir /r "$INSTDIR\_internal"
  File /r "${SRCDIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\hyoka"
  CreateShortcut "$SMPROGRAMS\hyoka\評価シート.lnk" "$INSTDIR\hyoka.exe" "gui" "$INSTDIR\hyoka.exe" 0
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "評価シート (hyoka)"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "hyoka maintainers"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\hyoka.exe"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\hyoka\評価シート.lnk"
  RMDir "$SMPROGRAMS\hyoka"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\hyoka.exe"
  Delete "$INSTDIR\hyoka-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  ; the database (%LOCALAPPDATA%\hyoka) and the settings (HKCU\Software\hyoka) are kept on purpose
SectionEnd
